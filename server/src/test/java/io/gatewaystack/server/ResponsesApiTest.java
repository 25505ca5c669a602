package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.server.http.Ports;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/responses} over real HTTP against the fake LLM: natively to an OpenAI-format provider, through
 * chat completions, translated to Anthropic (tools, tool results, typed stream events), failover, the clear 400 for
 * what cannot be translated, and the usage reaching the audit trail.
 */
class ResponsesApiTest {

    static LlmTestBed bed;
    static String rita;

    @BeforeAll
    static void start() throws Exception {
        bed = LlmTestBed.start(base -> """
                llm:
                  backoff_ms: 1
                  providers:
                    native: {kind: openai, base_url: %1$s, allow_private: true, auth: {mode: api_key, env: K}}
                    via-chat: {kind: openai_compatible, base_url: %1$s, allow_private: true, responses_api: chat,
                               auth: {mode: api_key, env: K}}
                    claude: {kind: anthropic, base_url: %1$s, allow_private: true, auth: {mode: api_key, env: K}}
                    dead: {kind: openai, base_url: "http://127.0.0.1:%2$d/v1", allow_private: true, timeout_ms: 500,
                           auth: {mode: none}}
                  models:
                    echo: {targets: [native/echo]}
                    chat-echo: {targets: [via-chat/echo]}
                    claude-echo: {targets: [claude/echo]}
                    mixed: {targets: [claude/echo, native/echo]}
                    resilient: {targets: [dead/echo, claude/echo]}
                """.formatted(base, Ports.free()), Map.of("K", "sk-provider"));
        rita = bed.bearer("rita");
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    private Http.Response responses(String body) {
        return bed.http().post(bed.gateway().url("/v1/responses"), body, "Authorization", rita, "Content-Type", "application/json");
    }

    private static JsonNode seen() {
        return Http.JSON.readTree(bed.fake().lastRequestBody());
    }

    @Test
    void eachProviderGetsTheRequestInItsOwnApi() {
        String body = "{\"model\":\"%s\",\"instructions\":\"Be brief.\",\"input\":\"route me\",\"max_output_tokens\":50}";

        Http.Response nativeAnswer = responses(body.formatted("echo"));
        assertThat(nativeAnswer.status()).isEqualTo(200);
        assertThat(seen().get("input").asString()).isEqualTo("route me"); // the Responses API itself
        assertThat(seen().get("user").asString()).isEqualTo("rita");
        assertThat(bed.fake().lastAuthorization()).isEqualTo("Bearer sk-provider");

        Http.Response viaChat = responses(body.formatted("chat-echo"));
        assertThat(viaChat.status()).isEqualTo(200);
        assertThat(seen().at("/messages/0/role").asString()).isEqualTo("system");
        assertThat(seen().at("/messages/1/content").asString()).isEqualTo("route me");
        assertThat(seen().get("max_completion_tokens").asInt()).isEqualTo(50);

        Http.Response viaAnthropic = responses(body.formatted("claude-echo"));
        assertThat(viaAnthropic.status()).isEqualTo(200);
        assertThat(seen().get("system").asString()).isEqualTo("Be brief.");
        assertThat(seen().get("max_tokens").asInt()).isEqualTo(50);
        assertThat(seen().at("/metadata/user_id").asString()).isEqualTo("rita");

        for (Http.Response r : List.of(nativeAnswer, viaChat, viaAnthropic)) {
            JsonNode answer = r.json();
            assertThat(answer.get("object").asString()).isEqualTo("response");
            assertThat(answer.get("status").asString()).isEqualTo("completed");
            assertThat(answer.at("/output/0/type").asString()).isEqualTo("message");
            assertThat(answer.at("/output/0/content/0/type").asString()).isEqualTo("output_text");
            assertThat(answer.at("/output/0/content/0/text").asString()).isEqualTo("route me");
            assertThat(answer.at("/usage/output_tokens").asInt()).isEqualTo(2);
            assertThat(answer.get("id").asString()).startsWith("resp_");
        }
    }

    @Test
    void functionToolsAndTheirResultsReachAnthropicAsToolUseBlocks() {
        Http.Response r = responses("""
                {"model":"claude-echo","tools":[{"type":"function","name":"get_weather","description":"Weather now",
                  "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}],
                 "tool_choice":{"type":"function","name":"get_weather"},
                 "input":[{"role":"user","content":[{"type":"input_text","text":"weather in Oslo?"}]},
                          {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"},
                          {"type":"function_call_output","call_id":"call_1","output":"-3 C and snow"}]}""");
        assertThat(r.status()).isEqualTo(200);
        JsonNode seen = seen();
        assertThat(seen.at("/tools/0/name").asString()).isEqualTo("get_weather");
        assertThat(seen.at("/tools/0/input_schema/properties/city/type").asString()).isEqualTo("string");
        assertThat(seen.at("/tool_choice/type").asString()).isEqualTo("tool");
        assertThat(seen.at("/messages/1/content/0/type").asString()).isEqualTo("tool_use");
        assertThat(seen.at("/messages/1/content/0/input/city").asString()).isEqualTo("Oslo");
        assertThat(seen.at("/messages/2/content/0/type").asString()).isEqualTo("tool_result");
        assertThat(seen.at("/messages/2/content/0/tool_use_id").asString()).isEqualTo("call_1");
        // the echo model answers with the tool result the provider saw
        assertThat(r.json().at("/output/0/content/0/text").asString()).isEqualTo("-3 C and snow");
    }

    @Test
    void translatedStreamsAreTheTypedEventsInOrder() {
        Http.Response r = responses("{\"model\":\"claude-echo\",\"stream\":true,\"input\":\"alpha beta gamma\"}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/event-stream");
        List<String> types = new ArrayList<>();
        List<JsonNode> events = new ArrayList<>();
        String name = null;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("event: ")) {
                name = line.substring(7);
            } else if (line.startsWith("data: ")) {
                JsonNode event = Http.JSON.readTree(line.substring(6));
                assertThat(event.get("type").asString()).isEqualTo(name); // the SSE name is the event's type
                types.add(name);
                events.add(event);
            }
        }
        assertThat(types.subList(0, 4)).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added");
        assertThat(types.subList(types.size() - 4, types.size())).containsExactly("response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.completed");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).get("sequence_number").asInt()).isEqualTo(i);
            if (types.get(i).equals("response.output_text.delta")) {
                text.append(events.get(i).get("delta").asString());
            }
        }
        assertThat(text.toString()).isEqualTo("alpha beta gamma");
        JsonNode completed = events.getLast().get("response");
        assertThat(completed.at("/output/0/content/0/text").asString()).isEqualTo("alpha beta gamma");
        assertThat(completed.at("/usage/output_tokens").asInt()).isEqualTo(3);
        assertThat(completed.at("/usage/input_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void whatCannotBeTranslatedIsAClear400UnlessAnotherTargetSpeaksTheApi() {
        Http.Response stateful = responses("{\"model\":\"claude-echo\",\"previous_response_id\":\"resp_1\",\"input\":\"and then?\"}");
        assertThat(stateful.status()).isEqualTo(400);
        assertThat(stateful.json().at("/error/code").asString()).isEqualTo("invalid_request");
        assertThat(stateful.json().at("/error/message").asString()).contains("previous_response_id");

        Http.Response hosted = responses("{\"model\":\"claude-echo\",\"tools\":[{\"type\":\"web_search\"}],\"input\":\"news?\"}");
        assertThat(hosted.status()).isEqualTo(400);
        assertThat(hosted.json().at("/error/message").asString()).contains("web_search");

        // "mixed" prefers Anthropic but also has a native target: that one takes it
        Http.Response mixed = responses("{\"model\":\"mixed\",\"previous_response_id\":\"resp_1\",\"input\":\"and then?\"}");
        assertThat(mixed.status()).isEqualTo(200);
        assertThat(seen().get("previous_response_id").asString()).isEqualTo("resp_1");

        Http.Response badInput = responses("{\"model\":\"claude-echo\",\"input\":42}");
        assertThat(badInput.status()).isEqualTo(400);
        assertThat(badInput.json().at("/error/message").asString()).contains("input");
    }

    @Test
    void failoverAndRetriesWorkForResponsesToo() {
        Http.Response r = responses("{\"model\":\"resilient\",\"input\":\"still answering\"}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().at("/output/0/content/0/text").asString()).isEqualTo("still answering");

        // one 5xx: the same target is asked again (llm.retries: 1) and answers
        int before = bed.fake().requestCount();
        bed.fake().failNext(500, 1);
        assertThat(responses("{\"model\":\"echo\",\"input\":\"once more\"}").status()).isEqualTo(200);
        assertThat(bed.fake().requestCount() - before).isEqualTo(2);

        // two: no target left
        bed.fake().failNext(500, 2);
        Http.Response failed = responses("{\"model\":\"echo\",\"input\":\"x\"}");
        assertThat(failed.status()).isEqualTo(502);
        assertThat(failed.json().at("/error/code").asString()).isEqualTo("upstream_error");

        // a 429 is not asked again at once: straight to the client (no other target here)
        before = bed.fake().requestCount();
        bed.fake().failNext(429, 2);
        assertThat(responses("{\"model\":\"echo\",\"input\":\"x\"}").status()).isEqualTo(429);
        assertThat(bed.fake().requestCount() - before).isEqualTo(1);
        bed.fake().failNext(0, 0);
    }

    @Test
    void responsesUsageReachesTheAuditTrail() throws Exception {
        String vera = "Bearer " + bed.issuer().token("vera", Map.of());
        for (String model : List.of("echo", "claude-echo")) {
            for (boolean stream : new boolean[] {false, true}) {
                Http.Response r = bed.http().post(bed.gateway().url("/v1/responses"),
                        "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"input\":\"count these four words\"}",
                        "Authorization", vera, "Content-Type", "application/json");
                assertThat(r.status()).isEqualTo(200);
            }
        }
        JsonNode usage = null;
        for (int i = 0; i < 100; i++) { // the audit writer is asynchronous: wait for all four events
            usage = bed.http().get(bed.gateway().url("/v1/usage/me"), "Authorization", vera).json();
            if (usage.at("/last_24h/output_tokens").asLong() >= 16) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(usage.at("/last_24h/output_tokens").asLong()).isEqualTo(16); // 4 calls x 4 words
        assertThat(usage.at("/last_24h/input_tokens").asLong()).isEqualTo(16);
    }
}
