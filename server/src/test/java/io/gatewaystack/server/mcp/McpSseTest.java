package io.gatewaystack.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.core.Pipeline;
import io.gatewaystack.core.ReadBody;
import io.gatewaystack.mcp.McpServer;
import io.gatewaystack.mcp.McpSessions;
import io.gatewaystack.mcp.ToolDefinition;
import io.gatewaystack.mcp.ToolRegistry;
import io.gatewaystack.server.config.TrustedProxies;
import io.gatewaystack.server.http.ErrorResponder;
import io.gatewaystack.server.http.GatewayRoute;
import io.gatewaystack.server.http.PublicUrls;
import io.gatewaystack.core.RequestIds;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Response formats of {@code POST /mcp} over real HTTP: quick answers are JSON; a slow tool call to a client that
 * accepts SSE becomes an event stream with keep-alive comments and the answer as its {@code message} event; a client
 * that accepts only JSON waits for JSON; {@code GET} is 405 (no server-initiated stream).
 */
class McpSseTest {

    private static final String AUTH = "Bearer alice:";
    private static Vertx vertx;
    private static HttpServer backend;
    private static HttpServer gateway;
    private static String mcp;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        backend = vertx.createHttpServer().requestHandler(r -> vertx.setTimer(r.path().endsWith("slow") ? 700 : 1,
                        t -> r.response().putHeader("Content-Type", "application/json").end("{\"summary\":\"done\"}")))
                .listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
        String base = "http://127.0.0.1:" + backend.actualPort() + "/";
        ToolRegistry registry = new ToolRegistry(List.of(
                new ToolDefinition("slow", null, null, null, List.of(), base + "slow", Duration.ofSeconds(5)),
                new ToolDefinition("quick", null, null, null, List.of(), base + "quick", Duration.ofSeconds(5))));
        McpServer server = new McpServer(registry, null, new VertxToolInvoker(vertx, vertx.createHttpClient(), null, null, null, 1 << 20),
                new McpSessions(McpSessions.randomKey(), Duration.ofHours(1), Clock.systemUTC()),
                new McpServer.Settings("gatewaystack", "test", null, 100, false, Set.of()));
        ErrorResponder errors = new ErrorResponder(new PublicUrls(null, TrustedProxies.none()));
        GatewayRoute route = new GatewayRoute("mcp", new Pipeline(List.of(new TestSupport.FakeIdentity(), new ReadBody(64 * 1024, false)),
                (l, p, e) -> { }), new McpTerminal(server, 200, 100), errors.withBodyShape(new McpErrorShape()), new RequestIds(), true);
        Router router = Router.router(vertx);
        router.route("/mcp").handler(route);
        gateway = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(5, TimeUnit.SECONDS);
        mcp = "http://127.0.0.1:" + gateway.actualPort() + "/mcp";
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close().await(5, TimeUnit.SECONDS);
        backend.close().await(5, TimeUnit.SECONDS);
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    private static TestSupport.Response call(String tool, String accept) {
        return TestSupport.post(mcp, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\"}}",
                "Authorization", AUTH, "Content-Type", "application/json", "Accept", accept, "MCP-Protocol-Version", "2025-06-18");
    }

    @Test
    void aSlowToolCallIsStreamedWithKeepAlivesWhenTheClientAcceptsSse() {
        TestSupport.Response slow = call("slow", "application/json, text/event-stream");
        assertThat(slow.status()).isEqualTo(200);
        assertThat(slow.header("Content-Type")).startsWith("text/event-stream");
        assertThat(slow.body()).startsWith(": the tool is still running\n\n").contains(": keep-alive\n\n")
                .endsWith("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\","
                        + "\"text\":\"done\"}],\"isError\":false,\"structuredContent\":{\"summary\":\"done\"}}}\n\n");
        TestSupport.Response sseOnly = call("slow", "text/event-stream");
        assertThat(sseOnly.body()).startsWith(": the tool is still running\n\n").contains("event: message\ndata: {");
        TestSupport.Response quickSse = call("quick", "text/event-stream");
        assertThat(quickSse.body()).startsWith("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,");
    }

    @Test
    void quickAnswersAndJsonOnlyClientsGetJson() {
        TestSupport.Response quick = call("quick", "application/json, text/event-stream");
        assertThat(quick.header("Content-Type")).startsWith("application/json");
        assertThat(quick.json().at("/result/content/0/text").asString()).isEqualTo("done");
        TestSupport.Response jsonOnly = call("slow", "application/json");
        assertThat(jsonOnly.header("Content-Type")).startsWith("application/json");
        assertThat(jsonOnly.json().at("/result/content/0/text").asString()).isEqualTo("done");
        assertThat(TestSupport.send("GET", mcp, null, "Authorization", AUTH, "Accept", "text/event-stream").status()).isEqualTo(405);
    }
}
