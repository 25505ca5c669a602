package io.gatewaystack.proxy.upstream;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What the {@link SsrfGuard} lets through for one upstream (or one group of upstreams).
 *
 * @param allowedSchemes lower-case URL schemes; only {@code http} and {@code https} are supported. Null or empty means
 *                       {@code https} only.
 * @param allowedHosts   host patterns: an exact host ({@code api.openai.com}, an IPv4 literal {@code 10.0.0.5}, an IPv6
 *                       literal without brackets {@code fd00::5}) or {@code *.suffix}, which matches any host strictly
 *                       below the suffix ({@code *.example.com} matches {@code a.example.com} and
 *                       {@code a.b.example.com} but not {@code example.com}). Matching is case-insensitive and ignores
 *                       one trailing dot. Null or empty means any host.
 * @param allowPrivate   when true, loopback, private (RFC 1918), CGNAT (100.64/10) and unique-local (fc00::/7)
 *                       addresses and the {@code localhost} names are allowed — for the demo and tests, or an operator
 *                       who deliberately targets an internal model server. Link-local, cloud metadata, multicast,
 *                       broadcast, unspecified, documentation, benchmark and reserved addresses stay blocked.
 */
public record UpstreamPolicy(Set<String> allowedSchemes, Set<String> allowedHosts, boolean allowPrivate) {

    public UpstreamPolicy {
        Set<String> schemes = new LinkedHashSet<>();
        if (allowedSchemes == null || allowedSchemes.isEmpty()) {
            schemes.add("https");
        } else {
            for (String scheme : allowedSchemes) {
                String s = scheme == null ? "" : scheme.trim().toLowerCase(Locale.ROOT);
                if (!s.equals("http") && !s.equals("https")) {
                    throw new IllegalArgumentException("unsupported upstream scheme '" + scheme
                            + "': only http and https");
                }
                schemes.add(s);
            }
        }
        allowedSchemes = Set.copyOf(schemes);

        Set<String> hosts = new LinkedHashSet<>();
        if (allowedHosts != null) {
            for (String host : allowedHosts) {
                hosts.add(normalisePattern(host));
            }
        }
        allowedHosts = Set.copyOf(hosts);
    }

    /** HTTPS only, any host, no private addresses: the default for provider APIs on the internet. */
    public static UpstreamPolicy httpsOnly() {
        return new UpstreamPolicy(Set.of("https"), Set.of(), false);
    }

    /** HTTPS only, to the given hosts, no private addresses. */
    public static UpstreamPolicy httpsTo(Set<String> hosts) {
        return new UpstreamPolicy(Set.of("https"), hosts, false);
    }

    /** HTTP or HTTPS to any host including loopback and private networks: demo mode and tests only. */
    public static UpstreamPolicy permissive() {
        return new UpstreamPolicy(Set.of("http", "https"), Set.of(), true);
    }

    /** Whether a normalised host (lower case, no trailing dot, IPv6 without brackets) is allowed by the host list. */
    public boolean hostAllowed(String host) {
        if (allowedHosts.isEmpty()) {
            return true;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        for (String pattern : allowedHosts) {
            if (pattern.startsWith("*.")) {
                String suffix = pattern.substring(1); // ".example.com"
                if (h.endsWith(suffix) && h.length() > suffix.length()) {
                    return true;
                }
            } else if (pattern.equals(h)) {
                return true;
            }
        }
        return false;
    }

    private static String normalisePattern(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("empty allowed host pattern");
        }
        String p = pattern.trim().toLowerCase(Locale.ROOT);
        if (p.startsWith("[") && p.endsWith("]")) {
            p = p.substring(1, p.length() - 1);
        }
        if (p.endsWith(".")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.indexOf('*') >= 0 && (!p.startsWith("*.") || p.indexOf('*', 1) >= 0 || p.length() < 3)) {
            throw new IllegalArgumentException("allowed host pattern '" + pattern
                    + "': a wildcard is only allowed as a leading '*.'");
        }
        if (!p.matches("[a-z0-9.:_*-]+")) {
            throw new IllegalArgumentException("allowed host pattern '" + pattern + "' is not a host name or address");
        }
        if (p.indexOf(':') >= 0) {
            java.net.InetAddress address = Addresses.parseIpv6(p);
            if (address == null) {
                throw new IllegalArgumentException("allowed host pattern '" + pattern + "' is not an IPv6 address");
            }
            p = Addresses.format(address); // the form SsrfGuard.Target.host() uses
        }
        return p;
    }
}
