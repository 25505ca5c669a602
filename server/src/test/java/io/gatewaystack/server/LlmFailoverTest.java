package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failover and retries against the fake LLM over real HTTP, for the failures the issue names: a target that times
 * out, one that drops the connection, one that answers 500, streamed or not, always before the first byte.
 */
class LlmFailoverTest {

    static LlmTestBed bed;
    static String alice;

    @BeforeAll
    static void start() throws Exception {
        bed = LlmTestBed.start(base -> """
                llm:
                  backoff_ms: 1
                  circuit_breaker: {failures: 1000}
                  providers:
                    impatient: {kind: openai, base_url: %1$s, allow_private: true, timeout_ms: 300, auth: {mode: api_key, env: K}}
                    patient: {kind: anthropic, base_url: %1$s, allow_private: true, timeout_ms: 5000, auth: {mode: api_key, env: K}}
                  models:
                    timeout-first: {targets: [impatient/echo, patient/echo]}
                    only-impatient: {targets: [impatient/echo]}
                """.formatted(base), Map.of("K", "k"));
        alice = bed.bearer("alice");
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    @BeforeEach
    void reset() {
        bed.fake().failNext(0, 0).stallNext(0, 0).dropNext(0);
    }

    private Http.Response chat(String model, boolean stream) {
        return bed.http().post(bed.gateway().url("/v1/chat/completions"),
                "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"still here\"}]}",
                "Authorization", alice, "Content-Type", "application/json");
    }

    @Test
    void aTargetThatTimesOutIsLeftForTheNextOneWithoutARetry() {
        int before = bed.fake().requestCount();
        bed.fake().stallNext(2000, 1);
        Http.Response r = chat("timeout-first", false);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().at("/choices/0/message/content").asString()).isEqualTo("still here");
        assertThat(bed.fake().requestCount() - before).isEqualTo(2); // the silent target was not asked again

        bed.fake().stallNext(2000, 5);
        Http.Response timedOut = chat("only-impatient", false);
        assertThat(timedOut.status()).isEqualTo(504);
        assertThat(timedOut.json().at("/error/code").asString()).isEqualTo("upstream_timeout");
    }

    @Test
    void aDroppedConnectionIsRetriedOnTheSameTarget() {
        int before = bed.fake().requestCount();
        bed.fake().dropNext(1);
        Http.Response r = chat("only-impatient", false);
        assertThat(r.status()).isEqualTo(200);
        assertThat(bed.fake().requestCount() - before).isEqualTo(2);
    }

    @Test
    void streamsFailOverBeforeTheirFirstByte() {
        bed.fake().stallNext(2000, 1);
        Http.Response afterTimeout = chat("timeout-first", true);
        assertThat(afterTimeout.status()).isEqualTo(200);
        assertThat(afterTimeout.body()).contains("\"content\":\"still\"").endsWith("data: [DONE]\n\n");

        bed.fake().failNext(500, 2); // both tries of the first target fail; the second target streams
        Http.Response afterErrors = chat("timeout-first", true);
        assertThat(afterErrors.status()).isEqualTo(200);
        assertThat(afterErrors.body()).contains("data: [DONE]");
    }
}
