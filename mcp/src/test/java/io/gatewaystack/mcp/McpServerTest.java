package io.gatewaystack.mcp;

import static io.gatewaystack.mcp.Fixtures.json;
import static io.gatewaystack.mcp.Fixtures.tool;
import static io.gatewaystack.mcp.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.core.Identity;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class McpServerTest {

    private static final String ECHO_SCHEMA = "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"message\"],\"properties\":{\"message\":{\"type\":\"string\"}}}";

    private final List<ToolInvoker.ToolCall> calls = new ArrayList<>();
    private final McpSessions sessions = new McpSessions(McpSessions.randomKey(), Duration.ofMinutes(5), Clock.systemUTC());
    private final ToolRegistry registry = new ToolRegistry(List.of(
            tool("echo", ECHO_SCHEMA, "starter.echo"),
            tool("whoami", null, "starter.whoami"),
            tool("open", null),
            tool("secret", null)));
    private final ToolFilter noSecret = (identity, t) -> !t.name().equals("secret");
    private final ToolInvoker invoker = call -> {
        calls.add(call);
        return CompletableFuture.completedFuture(new ToolInvoker.BackendResponse(200, "application/json",
                ("{\"echo\":" + call.arguments() + ",\"summary\":\"done\"}").getBytes(StandardCharsets.UTF_8)));
    };
    private final McpServer server = new McpServer(registry, noSecret, invoker, sessions,
            new McpServer.Settings("gatewaystack", "test", null, 2, true, Set.of("https://app.example")));
    private final Identity alice = user("alice", "starter.echo", "starter.whoami");
    private final Identity bob = user("bob");

    private McpHttpResponse post(String body, String session, String version, Identity who) {
        return post(body, session, version, who, null);
    }

    private McpHttpResponse post(String body, String session, String version, Identity who, String origin) {
        JsonRpc.Parsed parsed = JsonRpc.parse(body.getBytes(StandardCharsets.UTF_8));
        try {
            return server.post(new McpHttpRequest(parsed, session, version, origin, who, "req-1"))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private String init(String version, Identity who) {
        McpHttpResponse r = post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
                + version + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}", null, null, who);
        assertThat(r.status()).isEqualTo(200);
        return r.headers().get(McpServer.SESSION_HEADER);
    }

    private static String req(int id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\"" + (params == null ? "" : ",\"params\":" + params) + "}";
    }

    @Test
    void initializeNegotiatesAndOpensASession() {
        McpHttpResponse r = post(req(1, "initialize", "{\"protocolVersion\":\"2025-03-26\",\"capabilities\":{}}"), null, null, alice);
        assertThat(r.status()).isEqualTo(200);
        JsonNode result = r.body().get("result");
        assertThat(result.get("protocolVersion").asString()).isEqualTo("2025-03-26");
        assertThat(result.at("/capabilities/tools/listChanged").asBoolean(true)).isFalse();
        assertThat(result.at("/serverInfo/name").asString()).isEqualTo("gatewaystack");
        assertThat(r.headers()).containsKey("Mcp-Session-Id");

        McpHttpResponse old = post(req(1, "initialize", "{\"protocolVersion\":\"2024-11-05\"}"), null, null, alice);
        assertThat(old.body().at("/result/protocolVersion").asString()).isEqualTo("2025-11-25");
        McpHttpResponse bad = post(req(1, "initialize", "{}"), null, null, alice);
        assertThat(bad.body().at("/error/code").asInt()).isEqualTo(JsonRpc.INVALID_PARAMS);
        McpHttpResponse batched = post("[" + req(1, "initialize", "{\"protocolVersion\":\"2025-03-26\"}") + "]", null, null, alice);
        assertThat(batched.status()).isEqualTo(400);
    }

    @Test
    void notificationsAndResponsesAre202() {
        String s = init("2025-06-18", alice);
        assertThat(post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", s, "2025-06-18", alice).status()).isEqualTo(202);
        assertThat(post("{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{}}", s, "2025-06-18", alice).status()).isEqualTo(202);
        assertThat(post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", s, "2025-06-18", alice).body()).isNull();
    }

    @Test
    void sessionRules() {
        String s = init("2025-06-18", alice);
        assertThat(post(req(1, "ping", null), s, "2025-06-18", alice).body().get("result").isEmpty()).isTrue();
        assertThat(post(req(1, "ping", null), null, "2025-06-18", alice).status()).isEqualTo(400);
        McpHttpResponse stolen = post(req(1, "ping", null), s, "2025-06-18", bob);
        assertThat(stolen.status()).isEqualTo(404);
        assertThat(stolen.body().at("/error/code").asInt()).isEqualTo(JsonRpc.GATEWAY_DENIED);
        assertThat(post(req(1, "ping", null), s.substring(0, s.length() - 2) + "xx", "2025-06-18", alice).status()).isEqualTo(404);
        McpServer elsewhere = new McpServer(registry, null, invoker,
                new McpSessions(McpSessions.randomKey(), Duration.ofMinutes(5), Clock.systemUTC()), McpServer.Settings.defaults("x"));
        assertThat(elsewhere.post(new McpHttpRequest(JsonRpc.parse(req(1, "ping", null).getBytes()), s, null, null, alice, "r"))
                .toCompletableFuture().join().status()).isEqualTo(404);
        McpSessions expiring = new McpSessions(new byte[32], Duration.ofSeconds(1), Clock.offset(Clock.systemUTC(), Duration.ofHours(-1)));
        String expired = expiring.create(McpServer.sessionSubject(alice), "2025-06-18");
        McpServer same = new McpServer(registry, null, invoker,
                new McpSessions(new byte[32], Duration.ofSeconds(1), Clock.systemUTC()), McpServer.Settings.defaults("x"));
        assertThat(same.post(new McpHttpRequest(JsonRpc.parse(req(1, "ping", null).getBytes()), expired, null, null, alice, "r"))
                .toCompletableFuture().join().status()).isEqualTo(404);
    }

    @Test
    void protocolVersionHeader() {
        String s = init("2025-06-18", alice);
        assertThat(post(req(1, "ping", null), s, "1900-01-01", alice).status()).isEqualTo(400);
        assertThat(post(req(1, "ping", null), s, "not-a-version", alice).status()).isEqualTo(400);
        assertThat(post(req(1, "ping", null), s, "2025-03-26", alice).status()).isEqualTo(400); // not the session's
        assertThat(post(req(1, "ping", null), s, null, alice).status()).isEqualTo(200);         // absent: the session's
    }

    @Test
    void batchesOnlyIn20250326() {
        String batch = "[" + req(1, "ping", null) + "," + req(2, "tools/list", null) + ",{\"jsonrpc\":\"2.0\",\"method\":\"n\"},7]";
        String old = init("2025-03-26", alice);
        McpHttpResponse r = post(batch, old, null, alice);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().isArray()).isTrue();
        assertThat(r.body()).hasSize(3);
        assertThat(r.body().get(0).get("id").asInt()).isEqualTo(1);
        assertThat(r.body().get(1).at("/result/tools").isArray()).isTrue();
        assertThat(r.body().get(2).at("/error/code").asInt()).isEqualTo(JsonRpc.INVALID_REQUEST);
        for (String v : List.of("2025-06-18", "2025-11-25")) {
            McpHttpResponse refused = post(batch, init(v, alice), v, alice);
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body().at("/error/code").asInt()).isEqualTo(JsonRpc.INVALID_REQUEST);
        }
    }

    @Test
    void errorCodes() {
        String s = init("2025-06-18", alice);
        McpHttpResponse parse = post("{oops", s, null, alice);
        assertThat(parse.status()).isEqualTo(400);
        assertThat(parse.body().at("/error/code").asInt()).isEqualTo(JsonRpc.PARSE_ERROR);
        McpHttpResponse invalid = post("{\"jsonrpc\":\"2.0\",\"id\":3}", s, null, alice);
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body().at("/error/code").asInt()).isEqualTo(JsonRpc.INVALID_REQUEST);
        assertThat(invalid.body().get("id").asInt()).isEqualTo(3);
        assertThat(post(req(4, "resources/list", null), s, null, alice).body().at("/error/code").asInt()).isEqualTo(JsonRpc.METHOD_NOT_FOUND);
        assertThat(post(req(5, "tools/call", "{}"), s, null, alice).body().at("/error/code").asInt()).isEqualTo(JsonRpc.INVALID_PARAMS);
        assertThat(post(req(5, "tools/call", "[1]"), s, null, alice).body().at("/error/code").asInt()).isEqualTo(JsonRpc.INVALID_PARAMS);
        assertThat(post(req(6, "tools/call", "{\"name\":\"nope\"}"), s, null, alice).body().at("/error/message").asString()).isEqualTo("Unknown tool: nope");
        assertThat(post(req(6, "tools/call", "{\"name\":\"secret\"}"), s, null, alice).body().at("/error/code").asInt()).isEqualTo(JsonRpc.INVALID_PARAMS);
        McpHttpResponse scope = post(req(7, "tools/call", "{\"name\":\"echo\",\"arguments\":{\"message\":\"x\"}}"), init("2025-06-18", bob), null, bob);
        assertThat(scope.body().at("/error/code").asInt()).isEqualTo(JsonRpc.GATEWAY_DENIED);
        assertThat(scope.body().at("/error/data/required_scopes/0").asString()).isEqualTo("starter.echo");
        assertThat(post(req(8, "tools/call", "{\"name\":\"echo\",\"arguments\":3}"), s, null, alice).body().at("/error/code").asInt()).isEqualTo(JsonRpc.INVALID_PARAMS);
        assertThat(post(req(9, "tools/list", "{\"cursor\":\"bogus\"}"), s, null, alice).body().at("/error/code").asInt()).isEqualTo(JsonRpc.INVALID_PARAMS);
        assertThat(post(req(9, "ping", null), s, null, alice, "https://evil.example").status()).isEqualTo(403);
        assertThat(post(req(9, "ping", null), s, null, alice, "https://app.example").status()).isEqualTo(200);
        assertThat(calls).isEmpty();
    }

    @Test
    void toolsListShowsOnlyWhatTheUserMayUseAndPaginates() {
        String s = init("2025-06-18", alice);
        JsonNode first = post(req(1, "tools/list", null), s, null, alice).body().get("result");
        assertThat(first.get("tools")).hasSize(2);
        assertThat(first.at("/tools/0/name").asString()).isEqualTo("echo");
        assertThat(first.at("/tools/0/inputSchema/required/0").asString()).isEqualTo("message");
        JsonNode second = post(req(2, "tools/list", "{\"cursor\":\"" + first.get("nextCursor").asString() + "\"}"), s, null, alice)
                .body().get("result");
        assertThat(second.get("tools")).hasSize(1);
        assertThat(second.at("/tools/0/name").asString()).isEqualTo("open");
        assertThat(second.has("nextCursor")).isFalse();
        JsonNode forBob = post(req(3, "tools/list", null), init("2025-06-18", bob), null, bob).body().get("result");
        assertThat(forBob.get("tools")).hasSize(1);
        assertThat(forBob.at("/tools/0/name").asString()).isEqualTo("open");
    }

    @Test
    void toolsCallForwardsAndMapsTheResult() {
        String s = init("2025-06-18", alice);
        JsonNode result = post(req(1, "tools/call", "{\"name\":\"echo\",\"arguments\":{\"message\":\"hi\"}}"), s, null, alice)
                .body().get("result");
        assertThat(result.get("isError").asBoolean()).isFalse();
        assertThat(result.at("/content/0/text").asString()).isEqualTo("done");
        assertThat(result.at("/structuredContent/echo/message").asString()).isEqualTo("hi");
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().identity()).isSameAs(alice);
        assertThat(calls.getFirst().requestId()).isEqualTo("req-1");
        JsonNode noArgs = post(req(2, "tools/call", "{\"name\":\"whoami\"}"), s, null, alice).body().get("result");
        assertThat(noArgs.get("isError").asBoolean()).isFalse();
        assertThat(calls.get(1).arguments().isObject()).isTrue();
    }

    @Test
    void invalidArgumentsAreAProtocolErrorBefore20251125AndAToolErrorFrom() {
        String bad = req(1, "tools/call", "{\"name\":\"echo\",\"arguments\":{\"msg\":\"hi\"}}");
        JsonNode old = post(bad, init("2025-06-18", alice), null, alice).body();
        assertThat(old.at("/error/code").asInt()).isEqualTo(JsonRpc.INVALID_PARAMS);
        assertThat(old.at("/error/message").asString()).isEqualTo(
                "Invalid arguments for tool 'echo': arguments is missing the required property \"message\".");
        JsonNode current = post(bad, init("2025-11-25", alice), null, alice).body();
        assertThat(current.at("/result/isError").asBoolean()).isTrue();
        assertThat(current.at("/result/content/0/text").asString()).contains("missing the required property \"message\"");
        assertThat(calls).isEmpty();
    }

    @Test
    void anInvokerThatNeverAnswersOrThrowsStillGivesAResult() {
        ToolDefinition slow = new ToolDefinition("slow", null, null, null, List.of(), "http://x/slow", Duration.ofMillis(50));
        McpServer hanging = new McpServer(new ToolRegistry(List.of(slow)), null, call -> new CompletableFuture<>(), sessions,
                McpServer.Settings.defaults("x"));
        JsonNode r = hanging.invoke(slow, json("{}"), alice, "r").toCompletableFuture().join();
        assertThat(r.get("isError").asBoolean()).isTrue();
        assertThat(r.at("/content/0/text").asString()).isEqualTo("Tool 'slow' did not answer within 50 ms.");
        McpServer throwing = new McpServer(new ToolRegistry(List.of(slow)), null, call -> {
            throw new IllegalStateException("boom");
        }, sessions, McpServer.Settings.defaults("x"));
        JsonNode t = throwing.invoke(slow, json("{}"), alice, "r").toCompletableFuture().join();
        assertThat(t.get("isError").asBoolean()).isTrue();
        assertThat(t.at("/content/0/text").asString()).doesNotContain("boom");
    }

    @Test
    void federatedToolsFollowTheRegistrysAcrossPagesAndPassTheSameChecks() {
        io.gatewaystack.mcp.federation.UpstreamServer up = new io.gatewaystack.mcp.federation.UpstreamServer("up",
                java.net.URI.create("http://127.0.0.1:1/mcp"), "up",
                io.gatewaystack.mcp.federation.UpstreamServer.Propagation.IDENTITY_HEADERS, List.of("starter.echo"),
                Duration.ofSeconds(1), Duration.ofSeconds(60));
        io.gatewaystack.mcp.federation.Federation federation = new io.gatewaystack.mcp.federation.Federation(
                List.of(up), Clock.systemUTC(), "test", 10);
        List<String> upstreamCalls = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.gatewaystack.mcp.federation.UpstreamTransport transport = (u, caller, headers, body) -> {
            JsonNode m = JsonRpc.MAPPER.readTree(body);
            String method = m.path("method").asString();
            upstreamCalls.add(method);
            String result = switch (method) {
                case "initialize" -> "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{}}";
                case "tools/list" -> "{\"tools\":[{\"name\":\"add\",\"inputSchema\":{\"type\":\"object\",\"required\":[\"a\"],"
                        + "\"properties\":{\"a\":{\"type\":\"integer\"}}}},{\"name\":\"b\",\"inputSchema\":{\"type\":\"object\"}}]}";
                case "tools/call" -> "{\"content\":[{\"type\":\"text\",\"text\":\"" + m.at("/params/name").asString() + "\"}]}";
                default -> null;
            };
            byte[] answer = result == null ? new byte[0]
                    : ("{\"jsonrpc\":\"2.0\",\"id\":" + m.get("id") + ",\"result\":" + result + "}").getBytes(StandardCharsets.UTF_8);
            return CompletableFuture.completedFuture(new io.gatewaystack.mcp.federation.UpstreamTransport.Reply(
                    result == null ? 202 : 200, "application/json", "up-session", answer));
        };
        McpServer withUpstream = new McpServer(registry, noSecret, invoker, sessions,
                new McpServer.Settings("gatewaystack", "test", null, 2, true, Set.of()), federation, transport);
        java.util.function.BiFunction<String, String, JsonNode> rpc = (body, session) -> {
            try {
                return withUpstream.post(new McpHttpRequest(JsonRpc.parse(body.getBytes(StandardCharsets.UTF_8)), session,
                        "2025-06-18", null, alice, "req-1")).toCompletableFuture().get(10, TimeUnit.SECONDS).body();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        String s = sessions.create(McpServer.sessionSubject(alice), "2025-06-18");
        List<String> names = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 5; page++) {
            JsonNode r = rpc.apply("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\""
                    + (cursor == null ? "" : ",\"params\":{\"cursor\":\"" + cursor + "\"}") + "}", s);
            r.at("/result/tools").forEach(t -> names.add(t.get("name").asString()));
            cursor = r.at("/result/nextCursor").isString() ? r.at("/result/nextCursor").asString() : null;
            if (cursor == null) {
                break;
            }
        }
        assertThat(names).containsExactly("echo", "whoami", "open", "up__add", "up__b");
        assertThat(upstreamCalls).containsExactly("initialize", "notifications/initialized", "tools/list"); // cached after
        JsonNode ok = rpc.apply("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"up__add\",\"arguments\":{\"a\":1}}}", s);
        assertThat(ok.at("/result/content/0/text").asString()).isEqualTo("add"); // the upstream's own name
        JsonNode invalid = rpc.apply("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"up__add\",\"arguments\":{}}}", s);
        assertThat(invalid.at("/error/code").asInt()).isEqualTo(JsonRpc.INVALID_PARAMS); // the upstream's schema, checked here
        assertThat(upstreamCalls).filteredOn("tools/call"::equals).hasSize(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new McpServer(new ToolRegistry(List.of(tool("up__x", null))), null,
                invoker, sessions, McpServer.Settings.defaults("t"), federation, transport)).hasMessageContaining("prefix");
    }
}
