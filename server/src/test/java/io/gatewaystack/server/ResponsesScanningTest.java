package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Response scanning of Responses API answers, whole and streamed, native and translated: the phone number the
 * request let through (annotate) is redacted in the answer, even split over many delta events, and the events
 * that repeat the whole text at the end carry the redacted text too; the pseudonymised email comes back as the
 * user wrote it.
 */
class ResponsesScanningTest {

    static LlmTestBed bed;
    static String alice;

    static final String PROMPT = "Mail bob@example.com or call +44 20 7946 0958 today";
    static final String SHOWN = "Mail bob@example.com or call [PHONE] today";

    @BeforeAll
    static void start() throws Exception {
        bed = LlmTestBed.start(base -> """
                llm:
                  providers:
                    native: {kind: openai, base_url: %1$s, allow_private: true, auth: {mode: api_key, env: K}}
                    claude: {kind: anthropic, base_url: %1$s, allow_private: true, auth: {mode: api_key, env: K}}
                  models:
                    echo: {targets: [native/echo]}
                    claude-echo: {targets: [claude/echo]}
                transform:
                  block_threshold: 101
                  actions: {email: pseudonymize}
                  routes:
                    llm: {response: {actions: {phone: placeholder, email: mask}}}
                """.formatted(base), Map.of("K", "k"));
        alice = bed.bearer("alice");
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    private Http.Response responses(String model, boolean stream) {
        return bed.http().post(bed.gateway().url("/v1/responses"),
                "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"input\":\"" + PROMPT + "\"}",
                "Authorization", alice, "Content-Type", "application/json");
    }

    @Test
    void wholeAnswersAreScanned() {
        for (String model : List.of("echo", "claude-echo")) {
            Http.Response r = responses(model, false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().at("/output/0/content/0/text").asString()).as(model).isEqualTo(SHOWN);
        }
    }

    @Test
    void streamedAnswersAreScannedDeltasAndFinalText() {
        for (String model : List.of("echo", "claude-echo")) {
            Http.Response r = responses(model, true);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).as(model).doesNotContain("7946");
            StringBuilder deltas = new StringBuilder();
            List<JsonNode> events = new ArrayList<>();
            for (String line : r.body().split("\n")) {
                if (line.startsWith("data: ")) {
                    events.add(Http.JSON.readTree(line.substring(6)));
                }
            }
            for (JsonNode e : events) {
                if (e.path("type").asString().equals("response.output_text.delta")) {
                    deltas.append(e.get("delta").asString());
                }
            }
            assertThat(deltas.toString()).as(model).isEqualTo(SHOWN);
            JsonNode done = events.stream().filter(e -> e.path("type").asString().equals("response.output_text.done"))
                    .findFirst().orElseThrow();
            assertThat(done.get("text").asString()).as(model).isEqualTo(SHOWN);
            JsonNode completed = events.getLast();
            assertThat(completed.path("type").asString()).isEqualTo("response.completed");
            assertThat(completed.at("/response/output/0/content/0/text").asString()).as(model).isEqualTo(SHOWN);
        }
    }
}
