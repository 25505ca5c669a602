package io.gatewaystack.server.http;

import io.gatewaystack.server.config.TrustedProxies;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.URI;

/**
 * The gateway's own absolute base URL, for protected resource metadata and {@code WWW-Authenticate} challenges.
 *
 * <p>The configured {@code server.public_url} wins. Otherwise the URL comes from the request: scheme from the
 * connection and host from {@code Host}; {@code X-Forwarded-Proto}/{@code X-Forwarded-Host} are honoured only
 * when the peer is a configured trusted proxy (the seed took them from anyone).
 */
public final class PublicUrls {

    private final String configured;
    private final TrustedProxies trustedProxies;

    public PublicUrls(URI publicUrl, TrustedProxies trustedProxies) {
        String base = publicUrl == null ? null : publicUrl.toString();
        while (base != null && base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        this.configured = base;
        this.trustedProxies = trustedProxies;
    }

    /** The base URL without a trailing slash, e.g. {@code https://gateway.example.com}. */
    public String baseUrl(HttpServerRequest request) {
        if (configured != null) {
            return configured;
        }
        String scheme = request.isSSL() ? "https" : "http";
        String host = null;
        if (isFromTrustedProxy(request)) {
            String proto = firstValue(request.getHeader("X-Forwarded-Proto"));
            if ("https".equalsIgnoreCase(proto) || "http".equalsIgnoreCase(proto)) {
                scheme = proto.toLowerCase(java.util.Locale.ROOT);
            }
            String fwdHost = firstValue(request.getHeader("X-Forwarded-Host"));
            if (fwdHost != null && isHostAndPort(fwdHost)) {
                host = fwdHost;
            }
        }
        if (host == null) {
            HostAndPort authority = request.authority();
            if (authority != null && isHostAndPort(authority.host())) {
                host = authority.port() > 0 ? authority.host() + ":" + authority.port() : authority.host();
            } else {
                host = request.localAddress().host() + ":" + request.localAddress().port();
            }
        }
        return scheme + "://" + host;
    }

    public boolean isFromTrustedProxy(HttpServerRequest request) {
        return !trustedProxies.isEmpty() && request.remoteAddress() != null
                && trustedProxies.contains(request.remoteAddress().hostAddress());
    }

    private static String firstValue(String header) {
        if (header == null) {
            return null;
        }
        int comma = header.indexOf(',');
        return (comma < 0 ? header : header.substring(0, comma)).trim();
    }

    /** A host name, IPv4 or bracketed IPv6 literal, with an optional port; nothing that could inject a URL. */
    static boolean isHostAndPort(String s) {
        return s.matches("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]{1,253})(:\\d{1,5})?");
    }
}
