package io.gatewaystack.mcp.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.core.Identity;
import io.gatewaystack.mcp.JsonRpc;
import io.gatewaystack.mcp.McpHttpResponse.ToolOutcome;
import io.gatewaystack.mcp.ToolCallException;
import io.gatewaystack.mcp.ToolDefinition;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The federation's protocol handling against an in-memory upstream (the HTTP side is covered by the server module's
 * McpFederationTest with the official SDK server): sessions per user, 404 re-initialize, SSE answers, tool list
 * caching, and every kind of bad answer turned into an error result.
 */
class FederationTest {

    static final UpstreamServer UP = new UpstreamServer("up", URI.create("http://127.0.0.1:1/mcp"), "up",
            UpstreamServer.Propagation.IDENTITY_HEADERS, List.of(), Duration.ofSeconds(1), Duration.ofSeconds(60));

    static Caller caller(String sub) {
        return new Caller(new Identity(sub, "https://issuer.test", null, null, List.of(), List.of(), null, null, null,
                null, Instant.now().plusSeconds(3600), Map.of()), null, "req-1", Map.of());
    }

    /** A scriptable upstream: answers per method; records every request (method, session header, user). */
    static final class FakeUpstream implements UpstreamTransport {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final AtomicInteger sessions = new AtomicInteger();
        volatile boolean sse;
        volatile Function<JsonNode, Reply> onCall = m -> json(m, "{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}");
        volatile Function<JsonNode, Reply> onList = m -> json(m, "{\"tools\":[{\"name\":\"a\",\"inputSchema\":{\"type\":\"object\"}},"
                + "{\"name\":\"bad name!\",\"inputSchema\":{\"type\":\"object\"}},{\"name\":\"b\",\"inputSchema\":{\"type\":\"string\"}}]}");
        final java.util.Set<String> live = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public CompletableFuture<Reply> post(UpstreamServer upstream, Caller caller, Map<String, String> headers, byte[] body) {
            JsonNode m = JsonRpc.MAPPER.readTree(body);
            String method = m.path("method").asString();
            String session = headers.get("Mcp-Session-Id");
            seen.add(method + " " + session + " " + caller.identity().subject());
            if (method.equals("initialize")) {
                String id = "s" + sessions.incrementAndGet();
                live.add(id);
                Reply r = json(m, "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"x\",\"version\":\"1\"}}");
                return CompletableFuture.completedFuture(new Reply(r.status(), r.contentType(), id, r.body()));
            }
            if (session == null || !live.contains(session)) {
                return CompletableFuture.completedFuture(new Reply(404, null, null, new byte[0]));
            }
            if (method.startsWith("notifications/")) {
                return CompletableFuture.completedFuture(new Reply(202, null, null, new byte[0]));
            }
            return CompletableFuture.completedFuture(method.equals("tools/list") ? onList.apply(m) : onCall.apply(m));
        }

        Reply json(JsonNode request, String result) {
            String message = "{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"result\":" + result + "}";
            if (sse) {
                String stream = ": keep-alive\n\nevent: message\nid: 1\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{}}\n\n"
                        + "event: message\ndata: " + message + "\n\n";
                return new Reply(200, "text/event-stream", null, stream.getBytes(StandardCharsets.UTF_8));
            }
            return new Reply(200, "application/json", null, message.getBytes(StandardCharsets.UTF_8));
        }
    }

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        public ZoneOffset getZone() { return ZoneOffset.UTC; }
        public Clock withZone(java.time.ZoneId zone) { return this; }
        public Instant instant() { return now; }
    }

    @Test
    void listsPrefixedToolsPerUserAndCachesThem() {
        FakeUpstream up = new FakeUpstream();
        MutableClock clock = new MutableClock();
        Federation f = new Federation(List.of(UP), clock, "test", 100);
        List<ToolDefinition> tools = f.tools(up, caller("alice")).toCompletableFuture().join();
        // the bad name and the non-object schema are skipped
        assertThat(tools).extracting(ToolDefinition::name).containsExactly("up__a");
        f.tools(up, caller("alice")).toCompletableFuture().join();
        assertThat(up.seen).filteredOn(s -> s.startsWith("tools/list")).hasSize(1); // cached
        f.tools(up, caller("bob")).toCompletableFuture().join();
        assertThat(up.sessions.get()).isEqualTo(2); // one upstream session per user
        assertThat(up.seen).contains("notifications/initialized s1 alice", "tools/list s1 alice", "tools/list s2 bob");
        clock.now = clock.now.plusSeconds(61);
        f.tools(up, caller("alice")).toCompletableFuture().join();
        assertThat(up.seen).filteredOn(s -> s.startsWith("tools/list") && s.endsWith("alice")).hasSize(2); // TTL over
    }

    @Test
    void callsThroughTheSessionAndReopensItAfter404() {
        FakeUpstream up = new FakeUpstream();
        up.sse = true;
        Federation f = new Federation(List.of(UP), new MutableClock(), "test", 100);
        ToolDefinition a = f.tool(up, caller("alice"), "up__a").toCompletableFuture().join();
        assertThat(a).isNotNull();
        Federation.Outcome ok = f.call(up, caller("alice"), a, JsonRpc.NODES.objectNode()).toCompletableFuture().join();
        assertThat(ok.failure()).isNull();
        assertThat(ok.result().at("/content/0/text").asString()).isEqualTo("ok");
        assertThat(ok.result().get("isError").asBoolean()).isFalse();
        up.live.clear(); // the upstream restarted and forgot its sessions
        Federation.Outcome again = f.call(up, caller("alice"), a, JsonRpc.NODES.objectNode()).toCompletableFuture().join();
        assertThat(again.failure()).isNull();
        assertThat(up.sessions.get()).isEqualTo(2);
        assertThat(up.seen).contains("tools/call s2 alice");
        assertThat(f.tool(up, caller("alice"), "up__missing").toCompletableFuture().join()).isNull();
    }

    @Test
    void badAnswersBecomeErrorResults() {
        FakeUpstream up = new FakeUpstream();
        Federation f = new Federation(List.of(UP), new MutableClock(), "test", 100);
        ToolDefinition a = f.tool(up, caller("alice"), "up__a").toCompletableFuture().join();
        Map<String, Function<JsonNode, UpstreamTransport.Reply>> cases = Map.of(
                "not JSON", m -> new UpstreamTransport.Reply(200, "application/json", null, "<html>".getBytes()),
                "JSON-RPC error -32603", m -> new UpstreamTransport.Reply(200, "application/json", null,
                        ("{\"jsonrpc\":\"2.0\",\"id\":" + m.get("id") + ",\"error\":{\"code\":-32603,\"message\":\"kaput\"}}").getBytes()),
                "without a JSON-RPC response", m -> new UpstreamTransport.Reply(200, "application/json", null,
                        "{\"jsonrpc\":\"2.0\",\"id\":999999,\"result\":{}}".getBytes()),
                "not a CallToolResult", m -> new UpstreamTransport.Reply(200, "application/json", null,
                        ("{\"jsonrpc\":\"2.0\",\"id\":" + m.get("id") + ",\"result\":{\"x\":1}}").getBytes()),
                "HTTP 500", m -> new UpstreamTransport.Reply(500, "text/plain", null, "oops".getBytes()));
        cases.forEach((expected, answer) -> {
            up.onCall = answer;
            Federation.Outcome o = f.call(up, caller("alice"), a, JsonRpc.NODES.objectNode()).toCompletableFuture().join();
            assertThat(o.result().get("isError").asBoolean()).as(expected).isTrue();
            assertThat(o.result().at("/content/0/text").asString()).as(expected).contains(expected.equals("not JSON") ? "not JSON" : expected.split(" ")[0]);
            assertThat(o.failure()).isEqualTo(ToolOutcome.FAILED);
        });
        up.onCall = m -> new UpstreamTransport.Reply(403, null, null, new byte[0]);
        assertThat(f.call(up, caller("alice"), a, JsonRpc.NODES.objectNode()).toCompletableFuture().join().failure())
                .isEqualTo(ToolOutcome.DENIED);
        UpstreamTransport slow = (u, c, h, b) -> CompletableFuture.failedFuture(new ToolCallException(ToolCallException.Kind.TIMEOUT, "timeout"));
        Federation.Outcome timeout = f.call(slow, caller("alice"), a, JsonRpc.NODES.objectNode()).toCompletableFuture().join();
        assertThat(timeout.failure()).isEqualTo(ToolOutcome.TIMEOUT);
        assertThat(timeout.result().at("/content/0/text").asString()).contains("did not answer within 1000 ms");
    }

    @Test
    void aDownUpstreamListsNothingAndIsRetriedOnlyAfterTheBackoff() {
        AtomicInteger attempts = new AtomicInteger();
        UpstreamTransport down = (u, c, h, b) -> {
            attempts.incrementAndGet();
            return CompletableFuture.failedFuture(new ToolCallException(ToolCallException.Kind.UNREACHABLE, "refused"));
        };
        MutableClock clock = new MutableClock();
        Federation f = new Federation(List.of(UP), clock, "test", 100);
        assertThat(f.tools(down, caller("alice")).toCompletableFuture().join()).isEmpty();
        assertThat(f.tools(down, caller("alice")).toCompletableFuture().join()).isEmpty();
        assertThat(attempts.get()).isEqualTo(1);
        clock.now = clock.now.plus(Federation.FAILURE_BACKOFF);
        f.tools(down, caller("alice")).toCompletableFuture().join();
        assertThat(attempts.get()).isEqualTo(2);
    }

    @Test
    void namesPrefixesAndServerSentEvents() {
        assertThat(UP.owns("up__a")).isTrue();
        assertThat(UP.owns("up__")).isFalse();
        assertThat(UP.owns("upx__a")).isFalse();
        assertThat(UP.upstreamName("up__a__b")).isEqualTo("a__b");
        assertThat(ServerSentEvents.data("data: a\r\ndata: b\r\n\r\n: comment\ndata:c".getBytes())).containsExactly("a\nb", "c");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Federation(List.of(UP, UP), Clock.systemUTC(), "t", 1))
                .hasMessageContaining("used twice");
    }

    @Test
    void stateIsBounded() {
        FakeUpstream up = new FakeUpstream();
        Federation f = new Federation(List.of(UP), new MutableClock(), "test", 8);
        for (int i = 0; i < 50; i++) {
            f.tools(up, caller("user" + i)).toCompletableFuture().join();
        }
        assertThat(f.stateCount()).isLessThanOrEqualTo(8);
    }
}
