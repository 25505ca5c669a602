package io.gatewaystack.transform.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The resolver ranks within clusters of overlapping findings; it must keep exactly what ranking all findings at
 * once keeps (the reference below, the resolver's previous algorithm), on random findings, seeded.
 */
class OverlapResolverTest {

    /** Rank every finding (confidence, length, start, type), keep each one that overlaps none kept, sort by start. */
    private static List<Finding> reference(List<Finding> candidates) {
        List<Finding> ranked = new ArrayList<>(candidates);
        ranked.sort(Comparator.comparingDouble(Finding::confidence).reversed()
                .thenComparing(Comparator.comparingInt(Finding::length).reversed())
                .thenComparingInt(Finding::start).thenComparing(Finding::type));
        List<Finding> kept = new ArrayList<>();
        for (Finding f : ranked) if (kept.stream().noneMatch(k -> k.overlaps(f))) kept.add(f);
        kept.sort(Comparator.comparingInt(Finding::start));
        return kept;
    }

    private static List<Finding> random(Random random, int count, int textLength, int maxLength) {
        String[] types = {"email", "phone", "credit_card", "ip_address", "ssn"};
        double[] confidences = {0.5, 0.7, 0.75, 0.8, 0.9};
        List<Finding> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            int start = random.nextInt(textLength);
            int end = start + 1 + random.nextInt(maxLength);
            out.add(new Finding(types[random.nextInt(types.length)], start, end, confidences[random.nextInt(confidences.length)]));
        }
        return out;
    }

    @Test
    void keepsWhatRankingEverythingAtOnceKeeps() {
        Random random = new Random(11);
        int kept = 0;
        for (int round = 0; round < 3_000; round++) {
            // sparse (mostly clusters of one), dense (small clusters) and crowded (clusters beyond the small size)
            int count = 1 + random.nextInt(round % 3 == 2 ? 120 : 40);
            int textLength = round % 3 == 0 ? 2_000 : 200;
            List<Finding> candidates = random(random, count, textLength, 1 + random.nextInt(30));
            List<Finding> expected = reference(candidates);
            assertThat(OverlapResolver.resolve(candidates)).as("round %d: %s", round, candidates).isEqualTo(expected);
            kept += expected.size();
        }
        assertThat(kept).isGreaterThan(10_000);
    }

    @Test
    void aLongChainOfOverlapsIsOneCluster() {
        // "1.1.1.1.1..." style: each candidate overlaps the next, 1,000 in one cluster
        List<Finding> chain = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) chain.add(new Finding("ip_address", 2 * i, 2 * i + 7, i % 7 == 0 ? 0.8 : 0.7));
        List<Finding> resolved = OverlapResolver.resolve(chain);
        assertThat(resolved).isEqualTo(reference(chain));
        assertThat(resolved).isSortedAccordingTo(Comparator.comparingInt(Finding::start));
    }
}
