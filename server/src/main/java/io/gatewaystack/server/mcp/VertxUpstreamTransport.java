package io.gatewaystack.server.mcp;

import io.gatewaystack.mcp.ToolCallException;
import io.gatewaystack.mcp.federation.Caller;
import io.gatewaystack.mcp.federation.UpstreamServer;
import io.gatewaystack.mcp.federation.UpstreamTransport;
import io.gatewaystack.proxy.IdentityHeaders;
import io.gatewaystack.proxy.upstream.UpstreamAuth;
import io.gatewaystack.proxy.upstream.UpstreamCredentials;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Upstream MCP requests over the tool invoker's HTTP client (same SSRF guard, timeout timer and size cap), with the
 * caller's identity added per {@link UpstreamServer.Propagation}:
 * <ul>
 *   <li>{@code identity_headers}: the gateway's identity headers and its signed {@code X-Gateway-Identity};</li>
 *   <li>{@code identity_assertion}: only {@code X-Gateway-Identity} (fails when the gateway signs no assertions);</li>
 *   <li>{@code token_exchange}: {@code Authorization: Bearer} with the caller's token exchanged (RFC 8693) by the
 *       LLM gateway's {@link UpstreamCredentials} (cached per user and token). The caller's own token is never
 *       passed through: that would be the token passthrough the MCP security guidance forbids.</li>
 * </ul>
 */
public final class VertxUpstreamTransport implements UpstreamTransport {

    private final VertxToolInvoker http;
    private final UpstreamCredentials credentials;
    private final Map<String, UpstreamAuth.UserOAuth> exchanges;

    /**
     * @param http        the event loop's tool invoker (its client, guard and limits)
     * @param credentials the token exchange client (null when no upstream exchanges tokens)
     * @param exchanges   per upstream name, the token exchange settings of {@code token_exchange} upstreams
     */
    public VertxUpstreamTransport(VertxToolInvoker http, UpstreamCredentials credentials,
                                  Map<String, UpstreamAuth.UserOAuth> exchanges) {
        this.http = http;
        this.credentials = credentials;
        this.exchanges = exchanges == null ? Map.of() : Map.copyOf(exchanges);
    }

    @Override
    public CompletionStage<Reply> post(UpstreamServer upstream, Caller caller, Map<String, String> headers, byte[] body) {
        // the token exchange completes on a worker thread: the request itself goes back to the caller's event loop
        io.vertx.core.Context context = http.context();
        return identityHeaders(upstream, caller).thenCompose(identity -> {
            Map<String, String> all = new LinkedHashMap<>();
            VertxToolInvoker.putExtra(all, caller.extraHeaders());
            all.putAll(identity); // identity and credentials always win over layers' headers
            all.putAll(headers);  // the protocol's own headers (session, version, content type)
            if (caller.requestId() != null) {
                all.put("X-Request-Id", caller.requestId());
            }
            return http.post(context, upstream.url().toString(), upstream.timeout().toMillis(), all, body)
                    .thenApply(p -> new Reply(p.status(), p.contentType(), p.sessionId(), p.body()));
        });
    }

    private CompletableFuture<Map<String, String>> identityHeaders(UpstreamServer upstream, Caller caller) {
        return switch (upstream.propagation()) {
            case IDENTITY_HEADERS -> CompletableFuture.completedFuture(http.identityHeaders(caller.identity()));
            case IDENTITY_ASSERTION -> {
                String assertion = http.identityHeaders(caller.identity()).get(IdentityHeaders.GATEWAY_IDENTITY);
                yield assertion == null
                        ? CompletableFuture.failedFuture(new ToolCallException(ToolCallException.Kind.FAILED,
                                "the gateway signs no identity assertion for upstream " + upstream.name()))
                        : CompletableFuture.completedFuture(Map.of(IdentityHeaders.GATEWAY_IDENTITY, assertion));
            }
            case TOKEN_EXCHANGE -> {
                UpstreamAuth.UserOAuth exchange = exchanges.get(upstream.name());
                if (exchange == null || credentials == null) {
                    yield CompletableFuture.failedFuture(new ToolCallException(ToolCallException.Kind.FAILED,
                            "no token exchange is configured for upstream " + upstream.name()));
                }
                yield credentials.headersFor(exchange, caller.bearerToken(), caller.identity()).toCompletableFuture()
                        .exceptionallyCompose(e -> CompletableFuture.failedFuture(new ToolCallException(
                                ToolCallException.Kind.FAILED, "the token exchange for upstream " + upstream.name() + " failed")));
            }
        };
    }
}
