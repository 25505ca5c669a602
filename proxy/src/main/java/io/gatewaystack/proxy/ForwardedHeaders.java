package io.gatewaystack.proxy;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Decides which request and response headers cross the proxy.
 *
 * <p>Removed in both directions: the hop-by-hop headers of RFC 9110 §7.6.1 ({@code Connection} and every header
 * it names, {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE}, {@code Transfer-Encoding}, {@code Upgrade},
 * {@code Trailer}, {@code Proxy-Authenticate}, {@code Proxy-Authorization}). On requests also: {@code Host} (the
 * upstream's is set), the client's {@code Authorization} (unless the route forwards the bearer), every identity
 * header the gateway owns, {@code X-Forwarded-*}/{@code Forwarded} from clients that are not trusted proxies, and
 * cookies unless configured. On responses: {@code Set-Cookie} unless cookies are forwarded.
 */
public final class ForwardedHeaders {

    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade", "trailer",
            "proxy-authenticate", "proxy-authorization", "http2-settings");

    private static final Set<String> FORWARDING = Set.of(
            "forwarded", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port",
            "x-real-ip");

    private final boolean forwardBearer;
    private final boolean forwardCookies;
    private final String extraUserIdHeaderLower;

    public ForwardedHeaders(boolean forwardBearer, boolean forwardCookies, String extraUserIdHeader) {
        this.forwardBearer = forwardBearer;
        this.forwardCookies = forwardCookies;
        this.extraUserIdHeaderLower = extraUserIdHeader == null ? null : extraUserIdHeader.toLowerCase(Locale.ROOT);
    }

    /**
     * The extra headers named by a {@code Connection} header value (e.g. {@code "close, X-Foo"}) — they are
     * hop-by-hop too. Returns an empty set when there is no such header.
     */
    public static Set<String> connectionTokens(String connectionHeader) {
        if (connectionHeader == null || connectionHeader.isEmpty()) {
            return Set.of();
        }
        Set<String> names = new HashSet<>();
        for (String token : connectionHeader.split(",")) {
            String t = token.trim().toLowerCase(Locale.ROOT);
            if (!t.isEmpty()) {
                names.add(t);
            }
        }
        return names;
    }

    /**
     * Whether a client request header goes upstream.
     *
     * @param lowerName             the header name in lower case
     * @param connectionTokens      from {@link #connectionTokens}
     * @param fromTrustedProxy      whether the client is a configured trusted proxy (its X-Forwarded-* are kept)
     */
    public boolean forwardRequestHeader(String lowerName, Set<String> connectionTokens, boolean fromTrustedProxy) {
        if (HOP_BY_HOP.contains(lowerName) || connectionTokens.contains(lowerName)) {
            return false;
        }
        if (lowerName.equals("host")) {
            return false;
        }
        if (lowerName.equals("authorization")) {
            return forwardBearer;
        }
        if (lowerName.equals("cookie")) {
            return forwardCookies;
        }
        if (IdentityHeaders.isReserved(lowerName, extraUserIdHeaderLower)) {
            return false;
        }
        if (FORWARDING.contains(lowerName)) {
            return fromTrustedProxy;
        }
        return true;
    }

    /** Whether an upstream response header goes back to the client. */
    public boolean forwardResponseHeader(String lowerName, Set<String> connectionTokens) {
        if (HOP_BY_HOP.contains(lowerName) || connectionTokens.contains(lowerName)) {
            return false;
        }
        if (lowerName.equals("set-cookie")) {
            return forwardCookies;
        }
        return true;
    }
}
