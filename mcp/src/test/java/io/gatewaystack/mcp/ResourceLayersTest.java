package io.gatewaystack.mcp;

import static io.gatewaystack.mcp.Fixtures.tool;
import static io.gatewaystack.mcp.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.RequestBody;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.core.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ResourceLayersTest {

    private final ToolRegistry registry = new ToolRegistry(List.of(tool("crm", null, "starter.crm"), tool("open", null)));
    private final McpResource layer = new McpResource(registry);

    private RequestContext ctx(String method, String path, String body, Identity who) {
        RequestContext c = RequestContext.builder().requestId("r").method(method).path(path).routeName("mcp").build();
        if (body != null) {
            byte[] raw = body.getBytes(StandardCharsets.UTF_8);
            tools.jackson.databind.JsonNode json;
            try {
                json = JsonRpc.MAPPER.readTree(raw);
            } catch (RuntimeException e) {
                json = null;
            }
            c.body(new RequestBody(raw, "application/json", json));
        }
        c.identity(who);
        return c;
    }

    @Test
    void setsTheToolResourceForToolsCall() {
        RequestContext c = ctx("POST", "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"crm\"}}",
                user("a", "starter.crm"));
        assertThat(layer.onRequest(c).isProceed()).isTrue();
        assertThat(c.resource()).isEqualTo(new ResourceRequest(ResourceRequest.Kind.TOOL, "crm"));
        assertThat(c.attributes().get(McpResource.JSONRPC_ID).toString()).isEqualTo("4");
        RequestContext list = ctx("POST", "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", user("a"));
        assertThat(layer.onRequest(list).isProceed()).isTrue();
        assertThat(list.resource().kind()).isEqualTo(ResourceRequest.Kind.ROUTE);
    }

    @Test
    void rejectsEarly() {
        Verdict scope = layer.onRequest(ctx("POST", "/mcp",
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"crm\"}}", user("a")));
        assertThat(scope.rejection().code()).isEqualTo(ErrorCode.INSUFFICIENT_SCOPE);
        assertThat(scope.rejection().scope()).isEqualTo("starter.crm");
        assertThat(scope.rejection().details().get(McpResource.DETAIL_ID).toString()).isEqualTo("4");
        Verdict parse = layer.onRequest(ctx("POST", "/mcp", "{nope", user("a")));
        assertThat(parse.rejection().details().get(McpResource.DETAIL_CODE)).isEqualTo(JsonRpc.PARSE_ERROR);
        Verdict invalid = layer.onRequest(ctx("POST", "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":\"x\"}", user("a")));
        assertThat(invalid.rejection().details().get(McpResource.DETAIL_CODE)).isEqualTo(JsonRpc.INVALID_REQUEST);
        String two = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"open\"}}";
        Verdict batch = layer.onRequest(ctx("POST", "/mcp", "[" + two + "," + two.replace("\"id\":1", "\"id\":2") + "]", user("a")));
        assertThat(batch.rejection().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(layer.onRequest(ctx("GET", "/mcp", null, user("a"))).isProceed()).isTrue();
    }

    @Test
    void restToolResource() {
        ToolResource rest = new ToolResource(registry, (who, t) -> !t.name().equals("hidden"), "/tools/");
        RequestContext ok = ctx("POST", "/tools/crm", null, user("a", "starter.crm"));
        assertThat(rest.onRequest(ok).isProceed()).isTrue();
        assertThat(ok.resource().name()).isEqualTo("crm");
        assertThat(rest.onRequest(ctx("POST", "/tools/crm", null, user("a"))).rejection().code()).isEqualTo(ErrorCode.INSUFFICIENT_SCOPE);
        assertThat(rest.onRequest(ctx("POST", "/tools/nope", null, user("a"))).rejection().code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(rest.onRequest(ctx("POST", "/tools/a%20b", null, user("a"))).rejection().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void restToolsEnvelope() {
        ToolDefinition t = new ToolDefinition("echo", null, null, Fixtures.json(
                "{\"type\":\"object\",\"required\":[\"message\"]}"), List.of(), "http://x/echo", Duration.ofSeconds(1));
        RestTools ok = new RestTools(call -> CompletableFuture.completedFuture(
                new ToolInvoker.BackendResponse(200, "application/json", "{\"v\":1}".getBytes())));
        RestTools.Response r = ok.call(t, Fixtures.json("{\"message\":\"m\"}"), user("alice"), "rid").toCompletableFuture().join();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("ok").asBoolean()).isTrue();
        assertThat(r.body().at("/data/v").asInt()).isEqualTo(1);
        assertThat(r.body().get("requestId").asString()).isEqualTo("rid");
        assertThat(r.body().get("sub").asString()).isEqualTo("alice");
        assertThat(r.body().has("elapsedMs")).isTrue();
        assertThat(ok.call(t, Fixtures.json("{}"), user("alice"), "rid").toCompletableFuture().join().status()).isEqualTo(400);
        RestTools failing = new RestTools(call -> CompletableFuture.completedFuture(
                new ToolInvoker.BackendResponse(403, "application/json", "{\"error\":\"no\"}".getBytes())));
        RestTools.Response f = failing.call(t, Fixtures.json("{\"message\":\"m\"}"), user("alice"), "rid").toCompletableFuture().join();
        assertThat(f.status()).isEqualTo(403);
        assertThat(f.body().at("/error/code").asString()).isEqualTo("FN_403");
        RestTools down = new RestTools(call -> CompletableFuture.failedFuture(new ToolCallException(ToolCallException.Kind.UNREACHABLE, "x")));
        assertThat(down.call(t, Fixtures.json("{\"message\":\"m\"}"), user("alice"), "rid").toCompletableFuture().join().status()).isEqualTo(502);
    }

    @Test
    void theBodyIsParsedOnceUnlessALayerChangesIt() {
        RequestContext c = ctx("POST", "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"crm\",\"arguments\":{\"q\":\"a@b.c\"}}}",
                user("a"));
        JsonRpc.Parsed first = McpResource.parsed(c);
        assertThat(McpResource.parsed(c)).isSameAs(first);
        // a transform rewrites the arguments in place and marks the body modified: the terminal must see the new text
        ((tools.jackson.databind.node.ObjectNode) c.body().json().at("/params/arguments")).put("q", "EMAIL_1");
        c.body().replace(c.body().json());
        JsonRpc.Parsed second = McpResource.parsed(c);
        assertThat(second).isNotSameAs(first);
        assertThat(second.entries().getFirst().message().params().at("/arguments/q").asString()).isEqualTo("EMAIL_1");
    }
}
