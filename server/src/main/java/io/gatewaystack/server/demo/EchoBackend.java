package io.gatewaystack.server.demo;

import io.gatewaystack.server.http.BodyReader;
import io.gatewaystack.server.http.JsonBodies;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * The demo's backend: answers every request with what it received — method, path, query, headers and body —
 * so you can see exactly which identity headers the gateway injected and which client headers it removed.
 */
public final class EchoBackend {

    private final HttpServer server;

    private EchoBackend(HttpServer server) {
        this.server = server;
    }

    /** Starts on 127.0.0.1 at {@code port} (0 picks a free one). Blocking. */
    public static EchoBackend start(Vertx vertx, int port) throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(EchoBackend::handle).listen(port, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
        return new EchoBackend(server);
    }

    public int port() {
        return server.actualPort();
    }

    public Future<Void> close() {
        return server.close();
    }

    private static void handle(HttpServerRequest request) {
        BodyReader.read(request, 2 * 1024 * 1024).onComplete(ar -> {
            if (ar.failed()) {
                request.response().setStatusCode(413).end();
                return;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("method", request.method().name());
            out.put("path", request.path());
            out.put("query", request.query());
            Map<String, String> headers = new TreeMap<>();
            request.headers().forEach(h -> headers.merge(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue(),
                    (a, b) -> a + ", " + b));
            out.put("headers", headers);
            out.put("body", body(ar.result(), request.getHeader("Content-Type")));
            request.response().putHeader("Content-Type", "application/json").end(JsonBodies.encode(out));
        });
    }

    private static Object body(Buffer body, String contentType) {
        if (body.length() == 0) {
            return null;
        }
        if (contentType != null && contentType.contains("json")) {
            JsonNode json = JsonBodies.parseOrNull(body);
            if (json != null) {
                return json;
            }
        }
        return body.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
