package io.gatewaystack.proxy.upstream;

import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Server-side request forgery protection for every configured or derived upstream URL.
 *
 * <p>Three steps, all of which must pass:
 * <ol>
 *   <li>{@link #checkUrl(String)} parses the URL with a strict parser of its own (not {@link URI}, whose host rules
 *       differ from the HTTP clients'), checks the scheme and the host allowlist, refuses userinfo, fragments,
 *       backslashes, percent-encoded or non-ASCII hosts, and normalises every numeric host form that a resolver or
 *       browser would accept ({@code 2130706433}, {@code 0177.0.0.1}, {@code 0x7f.1}, {@code 127.1}, bracketed IPv6
 *       with a zone id) to the address it denotes, so that an IP literal is checked for what it is.</li>
 *   <li>{@link #resolveAndCheck(Target)} resolves the host (blocking DNS) and refuses the target when <em>any</em>
 *       resolved address is not public, unless the policy allows private addresses.</li>
 *   <li>The caller connects to the checked address itself — see {@link #pin(String)} — so that a DNS answer that
 *       changes between the check and the connect (DNS rebinding) cannot redirect the connection.</li>
 * </ol>
 *
 * <p>Thread-safe; the resolver is called on the caller's thread.
 */
public final class SsrfGuard {

    private static final int MAX_URL_LENGTH = 4096;

    private final UpstreamPolicy policy;
    private final HostResolver resolver;

    public SsrfGuard(UpstreamPolicy policy) {
        this(policy, HostResolver.system());
    }

    public SsrfGuard(UpstreamPolicy policy, HostResolver resolver) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    public UpstreamPolicy policy() {
        return policy;
    }

    /**
     * A checked upstream URL.
     *
     * @param scheme {@code http} or {@code https}
     * @param host   normalised host: a lower-case host name without trailing dot, a dotted-quad IPv4 address, or an
     *               IPv6 address in RFC 5952 form without brackets
     * @param port   the explicit port or the scheme's default
     * @param path   the raw request target: path (at least {@code /}) plus {@code ?query} when present, as written
     */
    public record Target(String scheme, String host, int port, String path) {

        public Target {
            Objects.requireNonNull(scheme, "scheme");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(path, "path");
        }

        /** Whether the host is an IP address literal (no DNS involved). */
        public boolean isIpLiteral() {
            return Addresses.parseLiteral(host) != null;
        }

        /** {@code host[:port]} as it belongs in the {@code Host} header (IPv6 bracketed, default port omitted). */
        public String authority() {
            String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return port == defaultPort(scheme) ? h : h + ":" + port;
        }

        /** The normalised URL. */
        public URI uri() {
            return URI.create(scheme + "://" + authority() + path);
        }

        @Override
        public String toString() {
            // The query may carry secrets (some providers take keys as query parameters): never printed.
            int q = path.indexOf('?');
            return scheme + "://" + authority() + (q < 0 ? path : path.substring(0, q) + "?…");
        }
    }

    /**
     * A target together with the one checked address the connection must go to.
     *
     * <p>Connect to {@link #address()} (e.g. {@link #connectUri()}), and send {@code Host: }{@link #hostHeader()} and,
     * for HTTPS, SNI {@link #sniHostName()} with certificate verification against that name.
     */
    public record PinnedTarget(Target target, InetAddress address) {

        public PinnedTarget {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(address, "address");
        }

        /** The IP literal to connect to (IPv6 without brackets). */
        public String ipLiteral() {
            return Addresses.format(address);
        }

        /** The URL with the host replaced by the checked IP literal. */
        public URI connectUri() {
            String ip = ipLiteral();
            String h = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
            return URI.create(target.scheme() + "://" + h + ":" + target.port() + target.path());
        }

        /** The {@code Host} header value: the original host name (and non-default port). */
        public String hostHeader() {
            return target.authority();
        }

        /** The TLS server name to send and verify, or null when the target is an IP literal (no SNI for IPs). */
        public String sniHostName() {
            return target.isIpLiteral() ? null : target.host();
        }

        @Override
        public String toString() {
            return "PinnedTarget[" + target + " -> " + ipLiteral() + "]";
        }
    }

    // ------------------------------------------------------------------------------------------------ checkUrl

    /**
     * Parses and validates a URL without any DNS lookup.
     *
     * @throws UpstreamBlockedException when the URL is malformed, ambiguous, uses another scheme, carries userinfo or a
     *                                  fragment, names a host outside the allowlist, or is an IP literal / localhost
     *                                  name that the policy forbids
     */
    public Target checkUrl(String url) {
        if (url == null || url.isEmpty()) {
            throw blocked("empty URL");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw blocked("URL longer than " + MAX_URL_LENGTH + " characters");
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw blocked("URL contains whitespace, control or non-ASCII characters (use punycode for IDN hosts)");
            }
            if (c == '\\') {
                throw blocked("URL contains a backslash");
            }
        }
        if (url.indexOf('#') >= 0) {
            throw blocked("URL has a fragment");
        }
        int colon = url.indexOf(':');
        if (colon <= 0 || !url.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            throw blocked("URL has no scheme");
        }
        String scheme = url.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw blocked("scheme '" + scheme + "' is not http or https");
        }
        if (!policy.allowedSchemes().contains(scheme)) {
            throw blocked("scheme '" + scheme + "' is not allowed (allowed: " + policy.allowedSchemes() + ")");
        }
        if (!url.startsWith("//", colon + 1)) {
            throw blocked("URL has no '//' authority");
        }
        int authorityStart = colon + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < url.length() && url.charAt(authorityEnd) != '/' && url.charAt(authorityEnd) != '?') {
            authorityEnd++;
        }
        String authority = url.substring(authorityStart, authorityEnd);
        String path = url.substring(authorityEnd);
        if (path.isEmpty() || path.startsWith("?")) {
            path = "/" + path;
        }
        if (authority.indexOf('@') >= 0) {
            throw blocked("URL has userinfo (user:password@)");
        }
        if (authority.isEmpty()) {
            throw blocked("URL has no host");
        }

        String rawHost;
        String rawPort = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw blocked("unterminated IPv6 literal");
            }
            rawHost = authority.substring(0, close + 1);
            String rest = authority.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw blocked("unexpected characters after IPv6 literal");
                }
                rawPort = rest.substring(1);
            }
        } else {
            int c = authority.indexOf(':');
            if (c >= 0) {
                if (authority.indexOf(':', c + 1) >= 0) {
                    throw blocked("IPv6 literal host without brackets");
                }
                rawHost = authority.substring(0, c);
                rawPort = authority.substring(c + 1);
            } else {
                rawHost = authority;
            }
        }
        int port = defaultPort(scheme);
        if (rawPort != null) {
            if (!rawPort.matches("[0-9]{1,5}")) {
                throw blocked("invalid port '" + rawPort + "'");
            }
            port = Integer.parseInt(rawPort);
            if (port < 1 || port > 65535) {
                throw blocked("port " + port + " out of range");
            }
        }

        String host = normaliseHost(rawHost);
        if (!policy.hostAllowed(host)) {
            throw blocked("host " + host + " is not in the allowed hosts");
        }
        InetAddress literal = Addresses.parseLiteral(host);
        if (literal != null) {
            checkAddress(host, literal);
        } else if (isLocalhostName(host) && !policy.allowPrivate()) {
            throw blocked("host " + host + " is a loopback name");
        }
        return new Target(scheme, host, port, path);
    }

    /** Normalises a raw host (possibly bracketed IPv6 or a numeric IPv4 form) or throws. */
    private static String normaliseHost(String rawHost) {
        if (rawHost.startsWith("[")) {
            String inner = rawHost.substring(1, rawHost.length() - 1);
            int zone = inner.indexOf('%');
            if (zone >= 0) {
                String zoneId = inner.startsWith("%25", zone) ? inner.substring(zone + 3) : inner.substring(zone + 1);
                if (!zoneId.matches("[A-Za-z0-9._~-]+")) {
                    throw blocked("invalid IPv6 zone id");
                }
                inner = inner.substring(0, zone); // the zone only scopes link-local addresses, which are blocked anyway
            }
            InetAddress address = Addresses.parseIpv6(inner);
            if (address == null) {
                throw blocked("invalid IPv6 literal");
            }
            return Addresses.format(address);
        }
        if (rawHost.indexOf('%') >= 0) {
            throw blocked("percent-encoded host");
        }
        String host = rawHost.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw blocked("URL has no host");
        }
        if (!host.matches("[a-z0-9._-]+")) {
            throw blocked("host contains characters not allowed in a host name");
        }
        String[] labels = host.split("\\.", -1);
        if (Addresses.looksNumeric(labels[labels.length - 1])) {
            byte[] ipv4 = Addresses.parseIpv4Loose(labels);
            if (ipv4 == null) {
                throw blocked("ambiguous numeric host '" + rawHost + "'");
            }
            return Addresses.formatIpv4(ipv4);
        }
        if (host.length() > 253) {
            throw blocked("host name longer than 253 characters");
        }
        for (String label : labels) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                throw blocked("malformed host name '" + rawHost + "'");
            }
        }
        return host;
    }

    private static boolean isLocalhostName(String host) {
        return host.equals("localhost") || host.endsWith(".localhost")
                || host.equals("localhost.localdomain") || host.equals("ip6-localhost") || host.equals("ip6-loopback");
    }

    // ------------------------------------------------------------------------------------------------ resolution

    /**
     * Resolves the target's host (blocking; run it off the event loop) and checks every address. An IP-literal host
     * is not looked up.
     *
     * @return the resolved addresses, in the resolver's order, all allowed
     * @throws UpstreamBlockedException when any resolved address is forbidden
     * @throws UncheckedIOException     wrapping {@link UnknownHostException} when the name does not resolve (an
     *                                  upstream error, not a policy decision)
     */
    public List<InetAddress> resolveAndCheck(Target target) {
        Objects.requireNonNull(target, "target");
        InetAddress literal = Addresses.parseLiteral(target.host());
        if (literal != null) {
            checkAddress(target.host(), literal);
            return List.of(literal);
        }
        InetAddress[] resolved;
        try {
            resolved = resolver.resolve(target.host());
        } catch (UnknownHostException e) {
            throw new UncheckedIOException(new UnknownHostException("cannot resolve upstream host " + target.host()));
        }
        if (resolved == null || resolved.length == 0) {
            throw new UncheckedIOException(new UnknownHostException("upstream host " + target.host()
                    + " resolved to no address"));
        }
        List<InetAddress> out = new ArrayList<>(resolved.length);
        for (InetAddress address : resolved) {
            checkAddress(target.host(), address);
            out.add(address);
        }
        return List.copyOf(out);
    }

    /**
     * {@link #checkUrl(String)} then {@link #resolveAndCheck(Target)}, pinned to the first resolved address. Blocking.
     */
    public PinnedTarget pin(String url) {
        Target target = checkUrl(url);
        return new PinnedTarget(target, resolveAndCheck(target).getFirst());
    }

    // ------------------------------------------------------------------------------------------------ addresses

    /**
     * Whether a connection to this address is forbidden under this guard's policy: true for every non-public class,
     * except loopback, private, CGNAT and unique-local when {@link UpstreamPolicy#allowPrivate()} is set. Use it to
     * re-check the remote address of an established connection.
     */
    public boolean isForbidden(InetAddress address) {
        AddressClass c = classify(address);
        return c != AddressClass.PUBLIC && !(policy.allowPrivate() && c.allowedWhenPrivateAllowed());
    }

    /** The class of an address; IPv6 forms embedding an IPv4 address take the IPv4 address's class. */
    public static AddressClass classify(InetAddress address) {
        Objects.requireNonNull(address, "address");
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address || b.length == 4) {
            return Addresses.classifyIpv4(b);
        }
        return Addresses.classifyIpv6(b);
    }

    private void checkAddress(String host, InetAddress address) {
        if (isForbidden(address)) {
            String ip = Addresses.format(address);
            AddressClass c = classify(address);
            throw blocked(ip.equals(host)
                    ? "address " + ip + " is " + c.description()
                    : "address " + ip + " of host " + host + " is " + c.description());
        }
    }

    static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    private static UpstreamBlockedException blocked(String reason) {
        return new UpstreamBlockedException(reason);
    }
}
