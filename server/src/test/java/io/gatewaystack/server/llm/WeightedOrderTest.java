package io.gatewaystack.server.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WeightedOrderTest {

    static final LlmSettings.Target A = new LlmSettings.Target("a", "m", 6);
    static final LlmSettings.Target B = new LlmSettings.Target("b", "m", 3);
    static final LlmSettings.Target C = new LlmSettings.Target("c", "m", 1);

    @Test
    void theFirstTargetIsPickedInProportionToItsWeightAndEveryTargetStaysInTheOrder() {
        SplittableRandom random = new SplittableRandom(42);
        Map<String, Integer> first = new HashMap<>();
        Map<String, Integer> secondAfterA = new HashMap<>();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            List<LlmSettings.Target> order = WeightedOrder.of(List.of(A, B, C), random);
            assertThat(order).containsExactlyInAnyOrder(A, B, C); // failover still reaches all of them
            first.merge(order.get(0).provider(), 1, Integer::sum);
            if (order.get(0) == A) {
                secondAfterA.merge(order.get(1).provider(), 1, Integer::sum);
            }
        }
        assertThat(first.get("a") / (double) n).isCloseTo(0.6, org.assertj.core.data.Offset.offset(0.01));
        assertThat(first.get("b") / (double) n).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.01));
        assertThat(first.get("c") / (double) n).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.01));
        // after A, the rest is again a weighted pick: B 3 : C 1
        int afterA = secondAfterA.get("b") + secondAfterA.get("c");
        assertThat(secondAfterA.get("b") / (double) afterA).isCloseTo(0.75, org.assertj.core.data.Offset.offset(0.015));
    }

    @Test
    void anOrderedRouteKeepsItsConfiguredOrder() {
        LlmSettings.ModelRoute ordered = new LlmSettings.ModelRoute("m", List.of(C, B, A));
        for (int i = 0; i < 100; i++) {
            assertThat(ordered.attemptOrder()).containsExactly(C, B, A);
        }
    }
}
