package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Weighted load balancing over real HTTP: one model spread over two API keys of the same provider (3 : 1), and
 * failover still working when the heavier key's calls fail.
 */
class WeightedBalanceTest {

    static LlmTestBed bed;
    static String alice;

    @BeforeAll
    static void start() throws Exception {
        bed = LlmTestBed.start(base -> """
                llm:
                  backoff_ms: 1
                  circuit_breaker: {failures: 1000}
                  providers:
                    key-a: {kind: openai, base_url: %1$s, allow_private: true, auth: {mode: api_key, env: KEY_A}}
                    key-b: {kind: openai, base_url: %1$s, allow_private: true, auth: {mode: api_key, env: KEY_B}}
                  models:
                    spread:
                      balance: weighted
                      targets: [{target: key-a/echo, weight: 3}, {target: key-b/echo, weight: 1}]
                """.formatted(base), Map.of("KEY_A", "sk-a", "KEY_B", "sk-b"));
        alice = bed.bearer("alice");
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    private int chat() {
        return bed.http().post(bed.gateway().url("/v1/chat/completions"),
                "{\"model\":\"spread\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "Authorization", alice, "Content-Type", "application/json").status();
    }

    @Test
    void callsSpreadOverTheKeysByWeightAndFailOverWhenOneFails() {
        Map<String, Integer> byKey = new HashMap<>();
        int n = 200;
        for (int i = 0; i < n; i++) { // one at a time, so the fake's last key is this call's key
            assertThat(chat()).isEqualTo(200);
            byKey.merge(bed.fake().lastAuthorization(), 1, Integer::sum);
        }
        // 3 : 1 → 150 expected on key a; ±5 standard deviations (6.1 each) keeps this test from flaking, and an
        // even split (100) or no balancing (200 or 0) still fails it
        assertThat(byKey.get("Bearer sk-a")).isBetween(120, 180);
        assertThat(byKey.get("Bearer sk-a") + byKey.get("Bearer sk-b")).isEqualTo(n);

        // every call's first attempt fails (whichever key it picked): the other key answers, nothing reaches the client
        int before = bed.fake().requestCount();
        for (int i = 0; i < 10; i++) {
            bed.fake().failNext(500, 1);
            assertThat(chat()).isEqualTo(200);
        }
        assertThat(bed.fake().requestCount() - before).isEqualTo(20); // one failed attempt + one answer per call
    }
}
