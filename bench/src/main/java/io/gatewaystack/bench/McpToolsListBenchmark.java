package io.gatewaystack.bench;

import io.gatewaystack.core.Identity;
import io.gatewaystack.mcp.JsonRpc;
import io.gatewaystack.mcp.McpHttpRequest;
import io.gatewaystack.mcp.McpHttpResponse;
import io.gatewaystack.mcp.McpServer;
import io.gatewaystack.mcp.McpSessions;
import io.gatewaystack.mcp.ToolDefinition;
import io.gatewaystack.mcp.ToolRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code tools/list} for a user who may see 200 tools (of 400 registered; the other 200 need a scope the user
 * lacks), answered by {@link McpServer#post} as the MCP endpoint does: body parsed, session id verified (HMAC),
 * version checked, tools filtered by scopes, one page of 200 built, and the answer serialized to bytes.
 * Not included: HTTP, the identity layer and a policy-based tool filter (one policy decision per tool; see
 * {@code PolicyBenchmark} for the cost of one decision).
 *
 * <p>Run: {@code java -jar bench/target/gatewaystack-bench.jar McpToolsListBenchmark} after building the bench module.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class McpToolsListBenchmark {

    McpServer server;
    Identity user;
    String session;
    byte[] body;

    @Setup
    public void setUp() {
        List<ToolDefinition> tools = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String schema = "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\",\"maxLength\":200},"
                    + "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100}},\"required\":[\"query\"],"
                    + "\"additionalProperties\":false}";
            tools.add(new ToolDefinition("tool_" + i, "Tool " + i, "Searches collection " + i + " for the caller.",
                    JsonRpc.MAPPER.readTree(schema), List.of(i % 2 == 0 ? "tools.read" : "tools.admin"),
                    "http://127.0.0.1:1/tool_" + i, Duration.ofSeconds(5)));
        }
        McpSessions sessions = new McpSessions(McpSessions.randomKey(), Duration.ofHours(1), Clock.systemUTC());
        server = new McpServer(new ToolRegistry(tools), null, call -> CompletableFuture.failedFuture(new IllegalStateException()),
                sessions, new McpServer.Settings("gatewaystack", "bench", null, 500, true, Set.of()));
        user = new Identity("bench-user", "https://issuer.bench", null, null, List.of(), List.of("tools.read", "openid"),
                null, null, null, null, Instant.now().plusSeconds(3600), Map.of());
        session = sessions.create("https://issuer.bench\nbench-user", "2025-06-18");
        body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}".getBytes(StandardCharsets.UTF_8);
        int listed = ((McpHttpResponse) server.post(request()).toCompletableFuture().join()).body().at("/result/tools").size();
        if (listed != 200) {
            throw new IllegalStateException("expected 200 visible tools, got " + listed);
        }
    }

    private McpHttpRequest request() {
        return new McpHttpRequest(JsonRpc.parse(body), session, "2025-06-18", null, user, "req-1");
    }

    @Benchmark
    public byte[] toolsList200() {
        McpHttpResponse r = server.post(request()).toCompletableFuture().join();
        return JsonRpc.MAPPER.writeValueAsBytes(r.body());
    }
}
