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
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json");
        if (call.requestId() != null) {
            headers.put("X-Request-Id", call.requestId());
        }
        if (call.identity() != null) {
            putExtra(headers, call.extraHeaders());
            headers.putAll(identityHeaders.apply(call.identity())); // identity always wins
        }
        return post(vertx.getOrCreateContext(), call.tool().backendUrl(), call.tool().timeout().toMillis(), headers,
                JsonRpc.MAPPER.writeValueAsBytes(call.arguments()))
                .thenApply(r -> new BackendResponse(r.status(), r.contentType(), r.body()));
    }

    /** The calling event loop's context (or a new one off Vert.x threads). */
    Context context() {
        return vertx.getOrCreateContext();
    }

    /** The caller's identity headers (with the signed assertion when the gateway signs one). */
    Map<String, String> identityHeaders(Identity identity) {
        return identity == null ? Map.of() : identityHeaders.apply(identity);
    }

    /** Adds the layers' extra headers, never over authentication or identity headers. */
    static void putExtra(Map<String, String> headers, Map<String, String> extra) {
        extra.forEach((name, value) -> {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (!lower.equals("authorization") && !IdentityHeaders.RESERVED.contains(lower)
                    && !lower.equals("mcp-session-id") && !lower.equals("mcp-protocol-version")) {
                headers.put(name, value);
            }
        });
    }

    /** What one POST got back; {@code sessionId} is the {@code Mcp-Session-Id} header (null when absent). */
    record Posted(int status, String contentType, String sessionId, byte[] body) {
    }

    /** One Vert.x timer per call completes it (as a timeout) at the tool's timeout at the latest. */
    @Override
    public boolean boundsItsOwnTime() {
        return true;
    }

    /**
     * POSTs {@code body} to {@code url} with exactly these headers, within {@code timeoutMs} (connect, answer and
     * body), with the SSRF guard and the size cap. Completes with any status, or exceptionally with a
     * {@link ToolCallException}. Used for tool backends and for upstream MCP servers.
     *
     * @param context where the request runs (the caller's event loop)
     */
    CompletableFuture<Posted> post(Context context, String url, long timeout, Map<String, String> headers, byte[] bytes) {
        CompletableFuture<Posted> result = new CompletableFuture<>();
        long timeoutMs = Math.max(1, timeout);
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
        target(url).whenComplete((options, failure) -> onContext(context, () -> {
            if (failure != null) {
                finish(done, cancelTimer, result, null, failure);
                return;
            }
            if (done.get()) {
                return;
            }
            options.setMethod(HttpMethod.POST).setFollowRedirects(false).setConnectTimeout(timeoutMs);
            headers.forEach(options::putHeader);
            Buffer body = Buffer.buffer(bytes);
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
                            new Posted(response.statusCode(), response.getHeader("Content-Type"),
                                    response.getHeader("Mcp-Session-Id"), received.getBytes()), null));
                });
            });
        }));
        return result;
    }

    /**
     * Runs {@code task} on {@code context}: at once when already there (a cached or unguarded target completes on
     * the calling event loop), else as a task on it. The hop would queue the call behind every other event the
     * loop has ready, which is latency a busy gateway adds to each tool call.
     */
    private static void onContext(Context context, Runnable task) {
        if (Vertx.currentContext() == context) {
            task.run();
        } else {
            context.runOnContext(v -> task.run());
        }
    }

    private static void finish(AtomicBoolean done, Runnable cancelTimer, CompletableFuture<Posted> result,
                               Posted response, Throwable failure) {
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
