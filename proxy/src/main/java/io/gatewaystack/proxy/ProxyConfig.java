package io.gatewaystack.proxy;

import java.net.URI;
import java.time.Duration;

/**
 * The reverse proxy route ({@code ANY /proxy/**}).
 *
 * @param target           {@code PROXY_TARGET}: scheme, host, port and optional base path of the backend
 * @param injectHeader     {@code PROXY_INJECT_HEADER}: an extra header carrying the subject (default X-User-Id)
 * @param injectQuery      {@code PROXY_INJECT_QUERY}: a query parameter carrying the subject, or null
 * @param connectTimeout   how long to wait for a connection to the backend
 * @param responseTimeout  how long the backend may stay silent (before its headers or between body chunks)
 * @param maxConnections   connection pool size towards the backend
 * @param forwardBearer    forward the client's {@code Authorization} header (auth mode {@code forward_bearer})
 * @param forwardCookies   forward {@code Cookie} and relay {@code Set-Cookie}
 * @param inspectBodies    read request bodies (up to the body limit) before forwarding, so layers can see and
 *                         change them; otherwise bodies stream through unseen
 */
public record ProxyConfig(
        URI target,
        String injectHeader,
        String injectQuery,
        Duration connectTimeout,
        Duration responseTimeout,
        int maxConnections,
        boolean forwardBearer,
        boolean forwardCookies,
        boolean inspectBodies) {

    public static final String DEFAULT_INJECT_HEADER = IdentityHeaders.USER_ID;

    public ProxyConfig {
        if (target != null) {
            String scheme = target.getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException("must be an http:// or https:// URL");
            }
            if (target.getHost() == null || target.getHost().isBlank()) {
                throw new IllegalArgumentException("must name a host");
            }
            if (target.getRawQuery() != null || target.getRawFragment() != null) {
                throw new IllegalArgumentException("must not have a query or fragment");
            }
        }
        if (injectHeader == null || injectHeader.isBlank()) {
            injectHeader = DEFAULT_INJECT_HEADER;
        } else if (!injectHeader.matches("[A-Za-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("inject header must be a header name (letters, digits, '-')");
        }
        if (injectQuery != null && injectQuery.isBlank()) {
            injectQuery = null;
        }
    }

    public int targetPort() {
        if (target.getPort() > 0) {
            return target.getPort();
        }
        return "https".equals(target.getScheme()) ? 443 : 80;
    }

    public boolean targetIsTls() {
        return "https".equals(target.getScheme());
    }

    /** The origin the assertion's {@code aud} names, e.g. {@code http://backend:3000}. */
    public String targetOrigin() {
        return target.getScheme() + "://" + target.getHost() + (target.getPort() > 0 ? ":" + target.getPort() : "");
    }
}
