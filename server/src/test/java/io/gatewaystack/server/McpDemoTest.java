package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.server.demo.DemoMode;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The MCP gateway in the demo, over real HTTP: an unauthenticated client is told where to log in; a user sees only
 * the tools their scopes allow; a tool call reaches the starter backend, which verifies the gateway's signed
 * assertion and answers for the verified user; the REST tool gateway does the same.
 */
class McpDemoTest {

    static Vertx vertx;
    static DemoMode demo;
    static Http http;
    static String gw;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        demo = DemoMode.start(vertx, Map.of("PORT", "0", "DEMO_ISSUER_PORT", "0", "DEMO_ECHO_PORT", "0",
                "DEMO_LLM_PORT", "0", "DEMO_TOOLS_PORT", "0"), new ByteArrayOutputStream());
        http = new Http(vertx);
        gw = "http://127.0.0.1:" + demo.gateway().port();
    }

    @AfterAll
    static void stop() {
        http.close();
        demo.stop();
        vertx.close();
    }

    private Http.Response rpc(String token, String session, String body) {
        return session == null
                ? http.post(gw + "/mcp", body, "Authorization", "Bearer " + token, "Content-Type", "application/json",
                        "Accept", "application/json, text/event-stream")
                : http.post(gw + "/mcp", body, "Authorization", "Bearer " + token, "Content-Type", "application/json",
                        "Accept", "application/json, text/event-stream", "Mcp-Session-Id", session,
                        "MCP-Protocol-Version", "2025-06-18");
    }

    @Test
    void discoveryThenInitializeListAndCallAsTheVerifiedUser() {
        Http.Response anonymous = http.post(gw + "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\"}",
                "Content-Type", "application/json");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).contains("/.well-known/oauth-protected-resource/mcp");
        assertThat(http.get(gw + "/.well-known/oauth-protected-resource/mcp").json().get("scopes_supported").toString())
                .contains("starter.whoami");

        String token = demo.issuer().mint("mia", Map.of("scope", "starter.whoami starter.echo"), 300);
        Http.Response init = rpc(token, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}");
        assertThat(init.status()).isEqualTo(200);
        assertThat(init.json().get("result").get("protocolVersion").asString()).isEqualTo("2025-06-18");
        String session = init.header("Mcp-Session-Id");
        assertThat(session).isNotBlank();

        JsonNode list = rpc(token, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}").json();
        assertThat(list.get("result").get("tools").toString()).contains("\"whoami\"", "\"echo\"").doesNotContain("crmInit");

        JsonNode call = rpc(token, session, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"whoami\",\"arguments\":{}}}").json();
        assertThat(call.get("result").get("isError").asBoolean()).isFalse();
        assertThat(call.get("result").toString()).contains("mia");

        JsonNode denied = rpc(token, session, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"crmInit\",\"arguments\":{}}}").json();
        assertThat(denied.get("error").get("code").asInt()).isEqualTo(-32001);
        assertThat(denied.get("id").asInt()).isEqualTo(4);
    }

    @Test
    void toolResultsGetThePseudonymsRestoredAndAreScanned() {
        String token = demo.issuer().mint("mia", Map.of("scope", "starter.echo"), 300);
        String session = rpc(token, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}")
                .header("Mcp-Session-Id");
        Http.Response call = rpc(token, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"echo\",\"arguments\":{\"message\":\"mail mia@example.com, ssn 123-45-6789\"}}}");
        String text = call.json().at("/result/content/0/text").asString();
        // the tool saw <EMAIL_1> (the demo pseudonymises emails) and echoed it: the user gets the address back;
        // the SSN went to the tool as it was, and is redacted in the result (the demo's response action)
        assertThat(text).isEqualTo("Echo: mail mia@example.com, ssn [SSN]");
        // the result carries the message three times (text content, structured content); every copy is redacted
        assertThat(call.body()).doesNotContain("6789").doesNotContain("<EMAIL_1>");
        assertThat(call.header("X-GatewayStack-Redacted")).isEqualTo("email=1,ssn=3");

        Http.Response rest = http.post(gw + "/tools/echo", "{\"message\":\"mail mia@example.com, ssn 123-45-6789\"}",
                "Authorization", "Bearer " + token, "Content-Type", "application/json");
        assertThat(rest.status()).isEqualTo(200);
        assertThat(rest.body()).contains("mia@example.com").contains("[SSN]").doesNotContain("6789").doesNotContain("<EMAIL_1>");
    }

    @Test
    void theRestToolGatewayAnswersInTheSeedsEnvelope() {
        String token = demo.issuer().mint("noah", Map.of("scope", "starter.whoami"), 300);
        Http.Response ok = http.post(gw + "/tools/whoami", "{}", "Authorization", "Bearer " + token,
                "Content-Type", "application/json");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("ok").asBoolean()).isTrue();
        assertThat(ok.json().get("sub").asString()).isEqualTo("noah");
        assertThat(http.post(gw + "/tools/echo", "{\"message\":\"x\"}", "Authorization", "Bearer " + token,
                "Content-Type", "application/json").status()).isEqualTo(403);
        assertThat(http.post(gw + "/tools/nope", "{}", "Authorization", "Bearer " + token,
                "Content-Type", "application/json").status()).isEqualTo(404);
    }
}
