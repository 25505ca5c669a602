package io.gatewaystack.server;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real upstream for proxy tests. {@code /slow} waits 3 s before answering, {@code /teapot} answers 418 with
 * extra headers and a cookie, everything else echoes the request as JSON (with the body's length and SHA-256 so
 * large streamed bodies can be checked).
 */
final class TestBackend implements AutoCloseable {

    private final HttpServer server;
    /** Counted down when a client of {@code /stream} went away before the stream ended. */
    final java.util.concurrent.CountDownLatch streamAborted = new java.util.concurrent.CountDownLatch(1);
    /** The last request body the backend received, as text: what the upstream really saw. */
    volatile String lastBody;

    TestBackend(Vertx vertx) throws Exception {
        server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    int port() {
        return server.actualPort();
    }

    private void handle(HttpServerRequest request) {
        if (request.path().endsWith("/slow")) {
            request.body().onComplete(b -> request.response().setStatusCode(200));
            Vertx.currentContext().owner().setTimer(3000, t -> {
                if (!request.response().closed()) {
                    request.response().end("late");
                }
            });
            return;
        }
        if (request.path().endsWith("/stream")) {
            // 40 chunks, one every 50 ms: long enough for a client to leave in the middle
            io.vertx.core.http.HttpServerResponse response = request.response().setChunked(true);
            response.closeHandler(v -> {
                if (!response.ended()) {
                    streamAborted.countDown();
                }
            });
            Vertx owner = Vertx.currentContext().owner();
            java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
            owner.setPeriodic(50, id -> {
                if (response.closed() || sent.incrementAndGet() > 40) {
                    owner.cancelTimer(id);
                    if (!response.closed()) {
                        response.end();
                    }
                    return;
                }
                response.write("chunk " + sent.get() + "\n");
            });
            return;
        }
        if (request.path().endsWith("/teapot")) {
            request.response().setStatusCode(418).putHeader("X-Backend", "yes").putHeader("Set-Cookie", "session=abc")
                    .putHeader("Connection", "X-Hop").putHeader("X-Hop", "secret").end("short and stout");
            return;
        }
        request.body().onSuccess(body -> {
            lastBody = body.toString();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("method", request.method().name());
            out.put("uri", request.uri());
            out.put("headers", lowerCase(request.headers()));
            out.put("length", body.length());
            out.put("sha256", sha256(body));
            out.put("body", body.length() < 10_000 ? body.toString() : null);
            request.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(Http.JSON.writeValueAsBytes(out)));
        });
    }

    private static Map<String, String> lowerCase(MultiMap headers) {
        Map<String, String> m = new LinkedHashMap<>();
        headers.forEach(e -> m.merge(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue(), (a, b) -> a + "," + b));
        return m;
    }

    static String sha256(Buffer body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
