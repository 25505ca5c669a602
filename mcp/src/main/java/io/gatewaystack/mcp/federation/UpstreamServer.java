package io.gatewaystack.mcp.federation;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One upstream MCP server (Streamable HTTP) whose tools the gateway serves under {@code prefix + "__" + name}.
 *
 * @param name           a label for logs and errors
 * @param url            the upstream's MCP endpoint ({@code http(s)://.../mcp})
 * @param prefix         what its tools are listed under ({@code [A-Za-z0-9][A-Za-z0-9-]{0,31}}; no {@code _}, so the
 *                       first {@code "__"} of a federated name always ends the prefix)
 * @param propagation    how the caller's identity reaches the upstream
 * @param requiredScopes scopes a caller must all hold to see and call any of its tools (empty: none)
 * @param timeout        per HTTP request to the upstream (initialize, tools/list page, tools/call)
 * @param toolsTtl       how long a user's tool list from this upstream is reused
 */
public record UpstreamServer(String name, URI url, String prefix, Propagation propagation, List<String> requiredScopes,
                             Duration timeout, Duration toolsTtl) {

    public static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,31}");
    public static final String SEPARATOR = "__";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TOOLS_TTL = Duration.ofSeconds(60);

    /** How the caller's identity is propagated to the upstream on every request of its session. */
    public enum Propagation {
        /** The gateway's identity headers ({@code X-User-Id}, ...) and the signed {@code X-Gateway-Identity}. */
        IDENTITY_HEADERS,
        /** Only the signed {@code X-Gateway-Identity} assertion: the upstream verifies it against the gateway's JWKS. */
        IDENTITY_ASSERTION,
        /** {@code Authorization: Bearer <token>}: the caller's token exchanged for one for the upstream (RFC 8693). */
        TOKEN_EXCHANGE;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Propagation fromConfig(String value) {
            for (Propagation p : values()) {
                if (p.configName().equals(value)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("must be identity_headers, identity_assertion or token_exchange");
        }
    }

    public UpstreamServer {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null || url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("upstream '" + name + "': url must be an http(s) URL with a host and no userinfo");
        }
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("upstream '" + name + "': prefix must match " + PREFIX.pattern());
        }
        Objects.requireNonNull(propagation, "propagation");
        requiredScopes = requiredScopes == null ? List.of() : List.copyOf(requiredScopes);
        timeout = timeout == null || timeout.isZero() || timeout.isNegative() ? DEFAULT_TIMEOUT : timeout;
        toolsTtl = toolsTtl == null || toolsTtl.isNegative() ? DEFAULT_TOOLS_TTL : toolsTtl;
    }

    /** The name a tool of this upstream has at the gateway. */
    public String exposedName(String upstreamToolName) {
        return prefix + SEPARATOR + upstreamToolName;
    }

    /** Whether a gateway tool name belongs to this upstream. */
    public boolean owns(String exposedName) {
        return exposedName != null && exposedName.length() > prefix.length() + SEPARATOR.length()
                && exposedName.startsWith(prefix) && exposedName.startsWith(SEPARATOR, prefix.length());
    }

    /** The upstream's own name of a tool this upstream {@link #owns}. */
    public String upstreamName(String exposedName) {
        return exposedName.substring(prefix.length() + SEPARATOR.length());
    }
}
