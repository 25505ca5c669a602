package io.gatewaystack.mcp;

import static io.gatewaystack.mcp.Fixtures.tool;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ToolResultsTest {

    private final ToolDefinition t = tool("crm", null);

    private static ToolInvoker.BackendResponse resp(int status, String type, String body) {
        return new ToolInvoker.BackendResponse(status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void maps() {
        JsonNode ok = ToolResults.fromBackend(t, resp(200, "application/json", "{\"a\":1}"));
        assertThat(ok.get("isError").asBoolean()).isFalse();
        assertThat(ok.at("/content/0/text").asString()).isEqualTo("{\"a\":1}");
        assertThat(ok.at("/structuredContent/a").asInt()).isEqualTo(1);
        assertThat(ToolResults.fromBackend(t, resp(200, "application/json", "[1]")).at("/structuredContent/result/0").asInt()).isEqualTo(1);
        assertThat(ToolResults.fromBackend(t, resp(200, "application/json", "{\"ok\":false}")).get("isError").asBoolean()).isTrue();
        assertThat(ToolResults.fromBackend(t, resp(200, "text/plain", "hello")).at("/content/0/text").asString()).isEqualTo("hello");
        assertThat(ToolResults.fromBackend(t, resp(204, null, "")).at("/content/0/text").asString()).isEqualTo("Tool 'crm' completed.");
        JsonNode garbage = ToolResults.fromBackend(t, resp(200, "application/json", "<html>"));
        assertThat(garbage.get("isError").asBoolean()).isTrue();
        assertThat(garbage.at("/content/0/text").asString()).contains("not valid JSON");
        JsonNode denied = ToolResults.fromBackend(t, resp(403, "application/json", "{\"ok\":false,\"error\":\"cross_user_access_denied\"}"));
        assertThat(denied.get("isError").asBoolean()).isTrue();
        assertThat(denied.at("/content/0/text").asString()).isEqualTo("Tool 'crm' failed: its backend answered HTTP 403: cross_user_access_denied.");
        assertThat(denied.at("/structuredContent/error").asString()).isEqualTo("cross_user_access_denied");
        assertThat(ToolResults.fromBackend(t, resp(500, "text/html", "<b>x</b>")).at("/content/0/text").asString())
                .isEqualTo("Tool 'crm' failed: its backend answered HTTP 500: <b>x</b>.");
        assertThat(ToolResults.fromFailure(t, new ToolCallException(ToolCallException.Kind.UNREACHABLE, "refused"))
                .at("/content/0/text").asString()).isEqualTo("Tool 'crm' is unavailable: its backend could not be reached.");
        assertThat(ToolResults.fromFailure(t, new ToolCallException(ToolCallException.Kind.TIMEOUT, "t"))
                .at("/content/0/text").asString()).isEqualTo("Tool 'crm' did not answer within 2000 ms.");
    }

    @Test
    void registryFromSeedScopesJson() {
        List<ToolDefinition> tools = ToolRegistry.fromScopesJson(
                "{\"whoami\":[\"starter.whoami\",\"\",3],\"open\":[],\"bad name!\":[],\"weird\":\"x\"}", "http://fn.local/", Duration.ofSeconds(3));
        assertThat(tools).extracting(ToolDefinition::name).containsExactly("whoami", "open");
        assertThat(tools.getFirst().requiredScopes()).containsExactly("starter.whoami");
        assertThat(tools.getFirst().backendUrl()).isEqualTo("http://fn.local/whoami");
        assertThat(ToolRegistry.fromScopesJson("{nope", "http://x", null)).isEmpty();
        assertThat(ToolRegistry.fromScopesJson("[]", "http://x", null)).isEmpty();
        ToolRegistry r = new ToolRegistry(tools);
        assertThat(r.visibleTo(Fixtures.user("u"), null)).extracting(ToolDefinition::name).containsExactly("open");
        assertThat(r.visibleTo(Fixtures.user("u", "starter.whoami"), null)).hasSize(2);
        assertThat(r.visibleTo(Fixtures.user("u", "starter.whoami.all"), null)).hasSize(1);
        assertThat(r.allScopes()).containsExactly("starter.whoami");
    }
}
