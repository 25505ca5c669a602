package io.gatewaystack.server.llm;

import io.gatewaystack.core.HeaderField;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.proxy.IdentityHeaders;
import io.gatewaystack.proxy.llm.ApiFormat;
import io.gatewaystack.proxy.upstream.SsrfGuard;
import io.gatewaystack.proxy.upstream.UpstreamBlockedException;
import io.gatewaystack.proxy.upstream.UpstreamCredentials;
import io.gatewaystack.proxy.upstream.UpstreamPolicy;
import io.gatewaystack.identity.BearerToken;
import io.gatewaystack.server.http.PinnedAddresses;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * How to reach a provider safely: the request line, the authentication header and — against SSRF — the address.
 *
 * <p>The provider's host is resolved off the event loop and every address checked ({@link SsrfGuard}: no loopback,
 * private, link-local, metadata or mapped forms unless the provider is explicitly marked {@code allow_private});
 * the connection then goes to that checked address while Host and TLS SNI keep the name, so a DNS answer that
 * changes between check and connect (rebinding) cannot redirect it. Resolutions are reused for 30 seconds.
 * Redirects are never followed.
 */
public final class Upstreams {

    /** The provider's address is not allowed. */
    public static final class Blocked extends RuntimeException {
        Blocked(String reason) {
            super(reason, null, false, false);
        }
    }

    private final HttpClient client;
    private final UpstreamCredentials credentials;
    private final PinnedAddresses pins;

    /** @param credentials shared by every event loop: it caches provider tokens (client credentials, exchanges) */
    public Upstreams(HttpClient client, Executor blocking, UpstreamCredentials credentials) {
        this.client = client;
        this.pins = new PinnedAddresses(blocking);
        this.credentials = credentials;
    }

    public HttpClient client() {
        return client;
    }

    /** The request options for one call to a provider (completes on the caller's context via Vert.x). */
    public Future<RequestOptions> request(LlmSettings.Provider provider, ApiFormat format, String path,
                                          boolean stream, RequestContext ctx) {
        String url = url(provider, path);
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        String userToken = BearerToken.fromAuthorizationHeader(ctx.headers().get("Authorization"));
        return pin(provider, url).compose(pinned -> onContext(
                credentials.headersFor(provider.auth(), userToken, ctx.identity()), context).map(auth -> {
            RequestOptions options = PinnedAddresses.requestOptions(pinned)
                    .setMethod(HttpMethod.POST)
                    .setFollowRedirects(false)
                    .setConnectTimeout(Math.min(10_000, provider.timeout().toMillis()))
                    .setIdleTimeout(provider.timeout().toMillis())
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Accept", stream ? "text/event-stream" : "application/json")
                    .putHeader("X-Request-Id", ctx.requestId());
            if (format == ApiFormat.ANTHROPIC_MESSAGES) {
                options.putHeader("anthropic-version", "2023-06-01");
            }
            for (HeaderField h : ctx.upstreamHeaders()) { // e.g. a policy's "add header"; never over auth or identity
                String lower = h.name().toLowerCase(java.util.Locale.ROOT);
                if (!lower.equals("authorization") && !lower.equals("x-api-key") && !lower.equals("api-key")
                        && !IdentityHeaders.RESERVED.contains(lower)) {
                    options.addHeader(h.name(), h.value());
                }
            }
            auth.forEach(options::putHeader); // never logged: the options are not either
            return options;
        }));
    }

    /**
     * A stage as a future on the caller's context. An already completed stage (API keys, a cached token) is taken as
     * it is: no hop through the event loop's task queue, which under load would wait behind other connections' I/O.
     */
    private static <T> Future<T> onContext(java.util.concurrent.CompletionStage<T> stage, io.vertx.core.Context context) {
        CompletableFuture<T> future = stage.toCompletableFuture();
        if (future.isDone() && !future.isCompletedExceptionally()) {
            return Future.succeededFuture(future.join());
        }
        return context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
    }

    /** The provider's base URL with {@code path} ({@code /chat/completions}, {@code /messages}, {@code /responses}...) appended. */
    static String url(LlmSettings.Provider provider, String path) {
        String base = provider.baseUrl().toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        String url = base + path;
        return provider.apiVersion() == null ? url : url + "?api-version=" + provider.apiVersion();
    }

    private Future<SsrfGuard.PinnedTarget> pin(LlmSettings.Provider provider, String url) {
        // keyed by provider too: two providers may share a URL but not a policy (allow_private)
        CompletableFuture<SsrfGuard.PinnedTarget> pinned = pins.pin(provider.name() + ' ' + url, url,
                () -> new SsrfGuard(new UpstreamPolicy(Set.of("http", "https"),
                        Set.of(provider.baseUrl().getHost()), provider.allowPrivate())));
        if (pinned.isDone() && !pinned.isCompletedExceptionally()) {
            return Future.succeededFuture(pinned.join()); // cached: no hop through the context
        }
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        Future<SsrfGuard.PinnedTarget> onContext = context == null ? Future.fromCompletionStage(pinned)
                : Future.fromCompletionStage(pinned, context);
        return onContext.recover(e -> Future.failedFuture(
                e instanceof UpstreamBlockedException blocked ? new Blocked(blocked.reason()) : e));
    }
}
