package io.gatewaystack.server.http;

import io.gatewaystack.proxy.upstream.SsrfGuard;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Upstream addresses resolved and checked against SSRF off the event loop, and reused for 30 seconds. The
 * connection then goes to the checked address while Host and TLS SNI keep the name ({@link #requestOptions}), so a
 * DNS answer that changes between check and connect (rebinding) cannot redirect it. Shared by the LLM proxy and
 * the tool invoker.
 */
public final class PinnedAddresses {

    private record Pin(SsrfGuard.PinnedTarget target, long expiresAtNanos) {}

    private static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Executor blocking;
    private final Map<String, Pin> pins = new ConcurrentHashMap<>();

    public PinnedAddresses(Executor blocking) {
        this.blocking = blocking;
    }

    /**
     * The checked address of {@code url}. The stage fails with the guard's own exception (e.g.
     * {@code UpstreamBlockedException}) or {@link RejectedExecutionException} when the worker pool is full; it
     * completes on a worker thread unless the answer was cached.
     *
     * @param key identifies the URL together with the policy it was checked under (two callers may share a URL
     *            but not a policy)
     * @param guard supplies the guard to check with; only called on a miss, on the worker thread
     */
    public CompletableFuture<SsrfGuard.PinnedTarget> pin(String key, String url, Supplier<SsrfGuard> guard) {
        Pin cached = pins.get(key);
        if (cached != null && cached.expiresAtNanos() - System.nanoTime() > 0) {
            return CompletableFuture.completedFuture(cached.target());
        }
        CompletableFuture<SsrfGuard.PinnedTarget> pinned = new CompletableFuture<>();
        try {
            blocking.execute(() -> {
                try {
                    SsrfGuard.PinnedTarget p = guard.get().pin(url);
                    pins.put(key, new Pin(p, System.nanoTime() + TTL_NANOS));
                    pinned.complete(p);
                } catch (RuntimeException e) {
                    pinned.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            pinned.completeExceptionally(e);
        }
        return pinned;
    }

    /** Options that connect to the pinned address while Host and SNI name the host. */
    public static RequestOptions requestOptions(SsrfGuard.PinnedTarget p) {
        return new RequestOptions()
                .setHost(p.target().host())
                .setPort(p.target().port())
                .setSsl("https".equals(p.target().scheme()))
                .setServer(SocketAddress.inetSocketAddress(p.target().port(), p.address().getHostAddress()))
                .setURI(p.target().path());
    }
}
