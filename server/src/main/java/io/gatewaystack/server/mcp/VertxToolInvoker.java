package io.gatewaystack.server.mcp;

import io.gatewaystack.core.Identity;
import io.gatewaystack.mcp.JsonRpc;
import io.gatewaystack.mcp.ToolCallException;
import io.gatewaystack.mcp.ToolInvoker;
import io.gatewaystack.proxy.IdentityHeaders;
import io.gatewaystack.proxy.IdentityInjection;
import io.gatewaystack.proxy.upstream.SsrfGuard;
import io.gatewaystack.proxy.upstream.UpstreamBlockedException;
import io.gatewaystack.server.http.PinnedAddresses;
import io.gatewaystack.server.http.UpstreamFailures;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Calls HTTP tool backends with Vert.x's client: {@code POST backendUrl} with the arguments as JSON, the caller's
 * identity headers (the server passes {@code IdentityInjection}'s, which include the signed
 * {@code X-Gateway-Identity} assertion) and {@code X-Request-Id}. Never blocks the event loop, never hangs:
 * <ul>
 *   <li>one timer per call bounds connect + answer + body to the tool's timeout (then the request is reset and
 *       the stage fails with {@link ToolCallException.Kind#TIMEOUT});</li>
 *   <li>a refused or broken connection fails with {@code UNREACHABLE};</li>
 *   <li>an answer larger than {@code maxResponseBytes} fails with {@code TOO_LARGE};</li>
 *   <li>with an {@link SsrfGuard}, the backend's host is resolved and checked on the blocking pool (cached 30 s)
 *       and the connection pinned to the checked address; a blocked URL fails with {@code BLOCKED}. Without a
 *       guard (demo, tests) the URL is used as configured. Redirects are never followed.</li>
 * </ul>
 */
public final class VertxToolInvoker implements ToolInvoker {

    private final Vertx vertx;
    private final HttpClient client;
    private final Function<Identity, Map<String, String>> identityHeaders;
    private final SsrfGuard guard;
    private final int maxResponseBytes;
    private final PinnedAddresses pins;

    /**
     * @param identityHeaders the headers to send for a caller (e.g. from {@code IdentityInjection.headersFor})
     * @param guard           checks and pins backend addresses; null to trust the configured URLs
     * @param blocking        where DNS resolution runs (required when {@code guard} is set)
     */
    public VertxToolInvoker(Vertx vertx, HttpClient client, Function<Identity, Map<String, String>> identityHeaders,
                            SsrfGuard guard, Executor blocking, int maxResponseBytes) {
        this.vertx = vertx;
        this.client = client;
        this.identityHeaders = identityHeaders == null ? identity -> Map.of() : identityHeaders;
        this.guard = guard;
        this.pins = new PinnedAddresses(blocking);
        this.maxResponseBytes = maxResponseBytes;
    }

    /** The identity headers of an {@link IdentityInjection} (with its signed assertion), as a plain map. */
    public static Function<Identity, Map<String, String>> headersOf(IdentityInjection injection) {
        return identity -> {
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            for (IdentityHeaders.Header h : injection.headersFor(identity)) {
                headers.put(h.name().toString(), h.value().toString());
            }
            return headers;
        };
    }

    @Override
    public CompletionStage<BackendResponse> invoke(ToolCall call) {
        CompletableFuture<BackendResponse> result = new CompletableFuture<>();
        Context context = vertx.getOrCreateContext();
        long timeoutMs = Math.max(1, call.tool().timeout().toMillis());
        AtomicBoolean done = new AtomicBoolean();
        HttpClientRequest[] sent = new HttpClientRequest[1];
        long timer = vertx.setTimer(timeoutMs, t -> {
            if (done.compareAndSet(false, true)) {
                result.completeExceptionally(new ToolCallException(ToolCallException.Kind.TIMEOUT, "timeout"));
                if (sent[0] != null) {
                    sent[0].reset();
                }
            }
        });
        Runnable cancelTimer = () -> vertx.cancelTimer(timer);
        target(call.tool().backendUrl()).whenComplete((options, failure) -> context.runOnContext(v -> {
            if (failure != null) {
                finish(done, cancelTimer, result, null, failure);
                return;
            }
            if (done.get()) {
                return;
            }
            options.setMethod(HttpMethod.POST).setFollowRedirects(false)
                    .setConnectTimeout(timeoutMs)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Accept", "application/json");
            if (call.requestId() != null) {
                options.putHeader("X-Request-Id", call.requestId());
            }
            if (call.identity() != null) {
                call.extraHeaders().forEach((name, value) -> {
                    String lower = name.toLowerCase(java.util.Locale.ROOT);
                    if (!lower.equals("authorization") && !io.gatewaystack.proxy.IdentityHeaders.RESERVED.contains(lower)) {
                        options.putHeader(name, value);
                    }
                });
                identityHeaders.apply(call.identity()).forEach(options::putHeader); // identity always wins
            }
            Buffer body = Buffer.buffer(JsonRpc.MAPPER.writeValueAsBytes(call.arguments()));
            client.request(options).onComplete(requested -> {
                if (requested.failed()) {
                    finish(done, cancelTimer, result, null, requested.cause());
                    return;
                }
                HttpClientRequest request = requested.result();
                sent[0] = request;
                request.send(body).onComplete(answered -> {
                    if (answered.failed()) {
                        finish(done, cancelTimer, result, null, answered.cause());
                        return;
                    }
                    var response = answered.result();
                    Buffer received = Buffer.buffer();
                    response.handler(chunk -> {
                        if (received.length() + chunk.length() > maxResponseBytes) {
                            finish(done, cancelTimer, result, null,
                                    new ToolCallException(ToolCallException.Kind.TOO_LARGE, "too large"));
                            request.reset();
                        } else {
                            received.appendBuffer(chunk);
                        }
                    });
                    response.exceptionHandler(e -> finish(done, cancelTimer, result, null, e));
                    response.endHandler(end -> finish(done, cancelTimer, result,
                            new BackendResponse(response.statusCode(), response.getHeader("Content-Type"), received.getBytes()), null));
                });
            });
        }));
        return result;
    }

    private static void finish(AtomicBoolean done, Runnable cancelTimer, CompletableFuture<BackendResponse> result,
                               BackendResponse response, Throwable failure) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        cancelTimer.run();
        if (failure == null) {
            result.complete(response);
        } else {
            result.completeExceptionally(classify(failure));
        }
    }

    static ToolCallException classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ToolCallException e) { // ours, possibly wrapped by a dependent stage
                return e;
            }
            if (t instanceof UpstreamBlockedException) {
                return new ToolCallException(ToolCallException.Kind.BLOCKED, "blocked");
            }
            if (UpstreamFailures.isTimeout(t)) {
                return new ToolCallException(ToolCallException.Kind.TIMEOUT, "timeout");
            }
            if (t instanceof ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.io.IOException || t.getClass().getSimpleName().contains("Closed")) {
                return new ToolCallException(ToolCallException.Kind.UNREACHABLE, "unreachable");
            }
        }
        return new ToolCallException(ToolCallException.Kind.FAILED, "the call failed");
    }

    /** Where to connect: the URL as configured, or (with a guard) pinned to its checked address. */
    private CompletableFuture<RequestOptions> target(String url) {
        if (guard == null) {
            try {
                URI uri = URI.create(url);
                boolean https = "https".equalsIgnoreCase(uri.getScheme());
                int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
                String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
                return CompletableFuture.completedFuture(new RequestOptions().setHost(uri.getHost()).setPort(port)
                        .setSsl(https).setURI(path));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(new ToolCallException(ToolCallException.Kind.BLOCKED, "bad URL"));
            }
        }
        return pins.pin(url, url, () -> guard).handle((p, failure) -> {
            if (failure == null) {
                return PinnedAddresses.requestOptions(p);
            }
            throw failure instanceof UpstreamBlockedException blocked ? blocked
                    : failure instanceof RejectedExecutionException
                    ? new ToolCallException(ToolCallException.Kind.FAILED, "the gateway is overloaded")
                    : new ToolCallException(ToolCallException.Kind.UNREACHABLE, "resolution failed");
        });
    }
}
