package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.server.demo.FakeLlm;
import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Response scanning of streamed tool calls over real HTTP. The fake LLM, forced to call a tool, calls it with the
 * arguments {@code {"text": <last user message>}} and streams them in word-sized fragments, so the phone number
 * is split over several argument deltas: it must be redacted in the arguments the client assembles, as in a text
 * answer, in both APIs and across translation; a blocked type ends the stream before any of it is sent.
 */
class ToolCallScanningOverHttpTest {

    static Vertx vertx;
    static TestIssuer issuer;
    static FakeLlm fake;
    static TestGateway gateway;
    static TestGateway unscanned;
    static Http http;
    static String alice;

    static final String PROMPT = "Mail bob@example.com or call +44 20 7946 0958 today";
    static final String SHOWN_ARGUMENTS = "{\"text\":\"Mail bob@example.com or call [PHONE] today\"}";
    /** longer than the hold-back: part of the arguments goes out before the call ends */
    static final String FILLER = "Please forward the quarterly summary to the team and ask them to confirm. ".repeat(6);

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        issuer = new TestIssuer();
        fake = FakeLlm.start(vertx, 0);
        String scanned = "{response: {actions: {phone: placeholder, email: mask, credit_card: block}}}";
        gateway = TestGateway.start(vertx, TestGateway.yaml(issuer, null, ResponseScanningOverHttpTest.config(fake, scanned)), Map.of("FAKE_KEY", "k"));
        unscanned = TestGateway.start(vertx, TestGateway.yaml(issuer, null, ResponseScanningOverHttpTest.config(fake, "{response: {enabled: false}}")), Map.of("FAKE_KEY", "k"));
        http = new Http(vertx);
        alice = issuer.token("alice", Map.of("scope", "llm:chat"));
    }

    @AfterAll
    static void stop() {
        http.close();
        gateway.close();
        unscanned.close();
        fake.close();
        issuer.close();
        vertx.close();
    }

    private static Http.Response post(TestGateway g, String path, String body) {
        return http.post(g.url(path), body, "Authorization", "Bearer " + alice, "Content-Type", "application/json");
    }

    /** An OpenAI request forcing the tool {@code send}. */
    private static String openAi(String model, String text) {
        return "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"send\",\"parameters\":{\"type\":\"object\"}}}],"
                + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"send\"}}}";
    }

    /** The arguments of tool call 0 of choice 0 as the client assembles them from the chunks; also counts deltas. */
    private static String openAiArguments(String sse, int[] deltas) {
        StringBuilder args = new StringBuilder();
        for (String line : sse.split("\n")) {
            if (!line.startsWith("data: {")) continue;
            JsonNode calls = Http.JSON.readTree(line.substring(6)).path("choices").path(0).path("delta").path("tool_calls");
            for (JsonNode call : calls) {
                JsonNode fragment = call.path("function").path("arguments");
                if (call.path("index").asInt() == 0 && fragment.isString()) {
                    args.append(fragment.asString());
                    if (!fragment.asString().isEmpty()) deltas[0]++;
                }
            }
        }
        return args.toString();
    }

    @Test
    void openAiToolCallArgumentsAreScannedAcrossDeltas() {
        Http.Response r = post(gateway, "/v1/chat/completions", openAi("echo", FILLER + PROMPT));
        assertThat(r.status()).isEqualTo(200);
        int[] deltas = {0};
        String arguments = openAiArguments(r.body(), deltas);
        assertThat(arguments).isEqualTo("{\"text\":\"" + FILLER + "Mail bob@example.com or call [PHONE] today\"}");
        assertThat(Http.JSON.readTree(arguments).get("text").asString()).endsWith("[PHONE] today");
        assertThat(deltas[0]).isGreaterThan(1); // not all held to the end: the hold-back lets the start go on
        assertThat(fake.lastRequestBody()).contains("<EMAIL_1>"); // the request side pseudonymised, the answer restored it
        assertThat(r.body()).doesNotContain("7946").contains("\"finish_reason\":\"tool_calls\"").contains("data: [DONE]")
                .contains(": X-GatewayStack-Redacted phone=1");
    }

    @Test
    void aValueAfterAJsonEscapeInTheArgumentsIsFoundAndTheArgumentsStayJson() {
        // the answer's line break is "\n" in the arguments JSON: the phone number right after it is still a phone
        Http.Response r = post(gateway, "/v1/chat/completions", openAi("echo", "Call me:\\n+44 20 7946 0958"));
        assertThat(r.status()).isEqualTo(200);
        String arguments = openAiArguments(r.body(), new int[1]);
        assertThat(arguments).isEqualTo("{\"text\":\"Call me:\\n[PHONE]\"}");
        assertThat(Http.JSON.readTree(arguments).get("text").asString()).isEqualTo("Call me:\n[PHONE]");
        // the whole (non-streamed) answer's arguments the same way
        Http.Response whole = post(gateway, "/v1/chat/completions",
                openAi("echo", "Call me:\\n+44 20 7946 0958").replace("\"stream\":true", "\"stream\":false"));
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.json().at("/choices/0/message/tool_calls/0/function/arguments").asString()).isEqualTo(arguments);
    }

    @Test
    void anAnthropicToolCallTranslatedToOpenAiIsScanned() {
        Http.Response r = post(gateway, "/v1/chat/completions", openAi("claude-echo", PROMPT));
        assertThat(r.status()).isEqualTo(200);
        assertThat(openAiArguments(r.body(), new int[1])).isEqualTo(SHOWN_ARGUMENTS);
        assertThat(r.body()).doesNotContain("7946");
    }

    @Test
    void anthropicInputJsonDeltasAreScanned() {
        String body = "{\"model\":\"claude-echo\",\"max_tokens\":100,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}],"
                + "\"tools\":[{\"name\":\"send\",\"input_schema\":{\"type\":\"object\"}}],\"tool_choice\":{\"type\":\"tool\",\"name\":\"send\"}}";
        Http.Response r = post(gateway, "/v1/messages", body);
        assertThat(r.status()).isEqualTo(200);
        StringBuilder json = new StringBuilder();
        int deltas = 0;
        for (String line : r.body().split("\n")) {
            if (!line.startsWith("data: {")) continue;
            JsonNode event = Http.JSON.readTree(line.substring(6));
            if (event.path("type").asString().equals("content_block_delta")) {
                assertThat(event.at("/delta/type").asString()).isEqualTo("input_json_delta");
                json.append(event.at("/delta/partial_json").asString());
                deltas++;
            }
        }
        assertThat(json.toString()).isEqualTo(SHOWN_ARGUMENTS);
        assertThat(deltas).isGreaterThan(1);
        assertThat(r.body()).doesNotContain("7946").contains("\"stop_reason\":\"tool_use\"").contains("message_stop");
    }

    @Test
    void responsesApiFunctionCallArgumentsAreScannedAcrossDeltas() {
        String body = "{\"model\":\"echo\",\"stream\":true,\"input\":\"" + PROMPT + "\","
                + "\"tools\":[{\"type\":\"function\",\"name\":\"send\",\"parameters\":{\"type\":\"object\"}}],"
                + "\"tool_choice\":{\"type\":\"function\",\"name\":\"send\"}}";
        Http.Response r = post(gateway, "/v1/responses", body);
        assertThat(r.status()).isEqualTo(200);
        StringBuilder deltas = new StringBuilder();
        String done = null;
        JsonNode completed = null;
        for (String line : r.body().split("\n")) {
            if (!line.startsWith("data: {")) continue;
            JsonNode event = Http.JSON.readTree(line.substring(6));
            switch (event.path("type").asString()) {
                case "response.function_call_arguments.delta" -> deltas.append(event.path("delta").asString());
                case "response.function_call_arguments.done" -> done = event.path("arguments").asString();
                case "response.completed" -> completed = event.path("response");
                default -> { }
            }
        }
        assertThat(deltas.toString()).isEqualTo(SHOWN_ARGUMENTS);
        assertThat(done).isEqualTo(SHOWN_ARGUMENTS);
        assertThat(completed).isNotNull();
        assertThat(completed.at("/output/0/type").asString()).isEqualTo("function_call");
        assertThat(completed.at("/output/0/arguments").asString()).isEqualTo(SHOWN_ARGUMENTS);
        assertThat(r.body()).doesNotContain("7946");

        Http.Response unscannedAnswer = post(unscanned, "/v1/responses", body);
        assertThat(unscannedAnswer.body()).contains("7946"); // the model did send it
    }

    @Test
    void aBlockedTypeInToolArgumentsEndsTheStreamBeforeItIsSent() {
        Http.Response r = post(gateway, "/v1/chat/completions", openAi("echo", "the card is 4111 1111 1111 1111 keep it"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("4111").doesNotContain("[DONE]").contains("\"type\":\"content_blocked\"");
    }

    @Test
    void withoutResponseScanningTheArgumentsPassAsTheModelSentThem() {
        Http.Response r = post(unscanned, "/v1/chat/completions", openAi("echo", PROMPT));
        assertThat(r.status()).isEqualTo(200);
        int[] deltas = {0};
        assertThat(openAiArguments(r.body(), deltas)).isEqualTo("{\"text\":\"" + PROMPT + "\"}");
        assertThat(deltas[0]).isGreaterThan(5); // the model streams the arguments in word-sized fragments
    }
}
