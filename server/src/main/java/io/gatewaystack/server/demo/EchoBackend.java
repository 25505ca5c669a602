package io.gatewaystack.server.demo;

import io.gatewaystack.server.http.BodyReader;
import io.gatewaystack.server.http.JsonBodies;
import io.gatewaystack.server.http.Ports;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;

/**
 * The demo's backend: answers every request with what it received — method, path, query, headers and body —
 * so you can see exactly which identity headers the gateway injected and which client headers it removed.
 */
public final class EchoBackend {

    private final Vertx vertx;
    private final String deploymentId;
    private final int port;

    private EchoBackend(Vertx vertx, String deploymentId, int port) {
        this.vertx = vertx;
        this.deploymentId = deploymentId;
        this.port = port;
    }

    /**
     * Starts on 127.0.0.1 at {@code port} (0 picks a free one), one server instance per event loop so the echo is
     * not the bottleneck of a benchmark. Blocking.
     */
    public static EchoBackend start(Vertx vertx, int port) throws Exception {
        int actual = port == 0 ? Ports.free() : port;
        String id = LoopbackServers.start(vertx, actual, EchoBackend::handle);
        return new EchoBackend(vertx, id, actual);
    }

    public int port() {
        return port;
    }

    public Future<Void> close() {
        return vertx.undeploy(deploymentId);
    }

    private static void handle(HttpServerRequest request) {
        BodyReader.read(request, 2 * 1024 * 1024).onComplete(ar -> {
            if (ar.failed()) {
                request.response().setStatusCode(413).end();
                return;
            }
            request.response().putHeader("Content-Type", "application/json").end(describe(request, ar.result()));
        });
    }

    /** {"method","path","query","headers":{lower-case name: value},"body"}, streamed out without a tree. */
    private static Buffer describe(HttpServerRequest request, Buffer body) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(1024 + body.length());
        try (JsonGenerator g = JsonBodies.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("method", request.method().name());
            g.writeStringProperty("path", request.path());
            g.writeStringProperty("query", request.query());
            g.writeName("headers");
            g.writeStartObject();
            for (String name : request.headers().names()) {
                g.writeStringProperty(name.toLowerCase(java.util.Locale.ROOT), String.join(", ", request.headers().getAll(name)));
            }
            g.writeEndObject();
            g.writeName("body");
            g.writePOJO(body(body, request.getHeader("Content-Type")));
            g.writeEndObject();
        }
        return Buffer.buffer(out.toByteArray());
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
