package io.gatewaystack.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.mcp.JsonRpc;
import io.gatewaystack.mcp.McpServer;
import io.gatewaystack.mcp.McpSessions;
import io.gatewaystack.mcp.ToolDefinition;
import io.gatewaystack.mcp.ToolInvoker;
import io.gatewaystack.mcp.ToolRegistry;
import io.gatewaystack.proxy.IdentityAssertionSigner;
import io.gatewaystack.proxy.IdentityInjection;
import io.gatewaystack.proxy.upstream.SsrfGuard;
import io.gatewaystack.proxy.upstream.UpstreamPolicy;
import io.gatewaystack.server.http.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The invoker against a real local HTTP server that answers, is slow, fails, talks garbage — or is not there. */
class VertxToolInvokerTest {

    private static Vertx vertx;
    private static HttpServer backend;
    private static int port;
    private static final AtomicReference<io.vertx.core.MultiMap> lastHeaders = new AtomicReference<>();
    private static IdentityAssertionSigner signer;
    private static McpServer server;
    private static VertxToolInvoker invoker;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        port = Ports.free();
        backend = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            lastHeaders.set(req.headers());
            switch (req.path()) {
                case "/ok" -> req.response().putHeader("Content-Type", "application/json").end("{\"got\":" + body + "}");
                case "/slow" -> vertx.setTimer(3000, t -> req.response().end("{}"));
                case "/fail" -> req.response().setStatusCode(500).putHeader("Content-Type", "application/json").end("{\"error\":\"db down\"}");
                case "/garbage" -> req.response().putHeader("Content-Type", "application/json").end("<html>oops");
                case "/huge" -> req.response().putHeader("Content-Type", "application/json").end("[" + "1,".repeat(100_000) + "1]");
                default -> req.response().setStatusCode(404).end();
            }
        })).listen(port, "127.0.0.1").await(5, TimeUnit.SECONDS);
        signer = TestSupport.signer();
        IdentityInjection injection = new IdentityInjection(signer, null, cs -> cs);
        invoker = new VertxToolInvoker(vertx, vertx.createHttpClient(),
                VertxToolInvoker.headersOf(injection), null, null, 64 * 1024);
        server = new McpServer(new ToolRegistry(List.of()), null, invoker,
                new McpSessions(McpSessions.randomKey(), Duration.ofMinutes(1), java.time.Clock.systemUTC()),
                McpServer.Settings.defaults("test"));
    }

    @AfterAll
    static void stop() throws Exception {
        backend.close().await(5, TimeUnit.SECONDS);
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    private static ToolDefinition tool(String path, int toPort, long timeoutMs) {
        return new ToolDefinition("t" + path.replace("/", ""), null, null, null, List.of(),
                "http://127.0.0.1:" + toPort + path, Duration.ofMillis(timeoutMs));
    }

    private static JsonNode call(ToolDefinition tool) {
        long start = System.nanoTime();
        JsonNode result = server.invoke(tool, JsonRpc.MAPPER.readTree("{\"q\":1}"), TestSupport.user("alice", "s1"), "req-9")
                .toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(tool.timeout().toMillis() + 1500));
        return result;
    }

    @Test
    void successCarriesArgumentsAndIdentity() {
        JsonNode r = call(tool("/ok", port, 2000));
        assertThat(r.get("isError").asBoolean()).isFalse();
        assertThat(r.at("/structuredContent/got/q").asInt()).isEqualTo(1);
        io.vertx.core.MultiMap h = lastHeaders.get();
        assertThat(h.get("X-User-Id")).isEqualTo("alice");
        assertThat(h.get("X-Request-Id")).isEqualTo("req-9");
        assertThat(h.get("X-Gateway-Identity")).isNotBlank();
        assertThat(h.get("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void headersAddedByLayersReachTheToolButNeverReplaceIdentityOrAuth() {
        ToolDefinition t = tool("/ok", port, 2000);
        new io.gatewaystack.mcp.RestTools(invoker).call(t, JsonRpc.MAPPER.readTree("{}"), TestSupport.user("alice", "s1"), "req-10",
                        java.util.Map.of("X-Policy-Tier", "free", "X-User-Id", "mallory", "Authorization", "Bearer forged"))
                .toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        io.vertx.core.MultiMap h = lastHeaders.get();
        assertThat(h.get("X-Policy-Tier")).isEqualTo("free");
        assertThat(h.get("X-User-Id")).isEqualTo("alice");
        assertThat(h.get("Authorization")).isNull();
    }

    @Test
    void failuresBecomeErrorResults() {
        assertThat(call(tool("/fail", port, 2000)).at("/content/0/text").asString())
                .isEqualTo("Tool 'tfail' failed: its backend answered HTTP 500: db down.");
        assertThat(call(tool("/garbage", port, 2000)).at("/content/0/text").asString()).contains("not valid JSON");
        JsonNode slow = call(tool("/slow", port, 300));
        assertThat(slow.get("isError").asBoolean()).isTrue();
        assertThat(slow.at("/content/0/text").asString()).isEqualTo("Tool 'tslow' did not answer within 300 ms.");
        int closed = Ports.free();
        assertThat(call(tool("/ok", closed, 2000)).at("/content/0/text").asString())
                .isEqualTo("Tool 'tok' is unavailable: its backend could not be reached.");
        assertThat(call(tool("/huge", port, 2000)).at("/content/0/text").asString()).contains("too large");
        // and the backend still works afterwards
        assertThat(call(tool("/ok", port, 2000)).get("isError").asBoolean()).isFalse();
    }

    @Test
    void ssrfGuardBlocksPrivateBackends() {
        VertxToolInvoker guarded = new VertxToolInvoker(vertx, vertx.createHttpClient(), null,
                new SsrfGuard(UpstreamPolicy.httpsOnly()), Executors.newSingleThreadExecutor(), 1024);
        ToolInvoker.BackendResponse[] none = new ToolInvoker.BackendResponse[1];
        Throwable failure = guarded.invoke(new ToolInvoker.ToolCall(tool("/ok", port, 1000), JsonRpc.MAPPER.readTree("{}"), null, "r"))
                .toCompletableFuture().handle((r, e) -> { none[0] = r; return e; }).orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(none[0]).isNull();
        Throwable cause = io.gatewaystack.core.Failures.unwrap(failure);
        assertThat(cause).isInstanceOf(io.gatewaystack.mcp.ToolCallException.class);
        assertThat(((io.gatewaystack.mcp.ToolCallException) cause).kind())
                .isEqualTo(io.gatewaystack.mcp.ToolCallException.Kind.BLOCKED);
    }

    @Test
    void aFullWorkerPoolIsReportedAsOverloadNotAsAGenericFailure() {
        java.util.concurrent.Executor full = task -> {
            throw new java.util.concurrent.RejectedExecutionException("full");
        };
        VertxToolInvoker guarded = new VertxToolInvoker(vertx, vertx.createHttpClient(), null,
                new SsrfGuard(UpstreamPolicy.httpsOnly()), full, 1024);
        Throwable failure = guarded.invoke(new ToolInvoker.ToolCall(tool("/ok", port, 1000), JsonRpc.MAPPER.readTree("{}"), null, "r"))
                .toCompletableFuture().handle((r, e) -> e).orTimeout(5, TimeUnit.SECONDS).join();
        Throwable cause = io.gatewaystack.core.Failures.unwrap(failure);
        assertThat(cause).isInstanceOf(io.gatewaystack.mcp.ToolCallException.class);
        assertThat(((io.gatewaystack.mcp.ToolCallException) cause).kind())
                .isEqualTo(io.gatewaystack.mcp.ToolCallException.Kind.FAILED);
        assertThat(cause).hasMessage("the gateway is overloaded");
    }
}
