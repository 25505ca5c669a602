package io.gatewaystack.limits;

import io.gatewaystack.limits.store.RateState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitHeadersTest {

    private static final RateLimitRule MINUTE = RateLimitRule.perUser("per-user", 10, Duration.ofMinutes(1));
    private static final RateLimitRule DAY = new RateLimitRule("org-daily", List.of(KeyPart.ORG), 1000, Duration.ofDays(1));

    @Test
    void rendersIetfAndCommonHeadersForTheTightestRule() {
        LimitsStatus status = new LimitsStatus(List.of(
                new RateState(MINUTE, 9, 59_001),
                new RateState(DAY, 3, 3_600_000)));
        assertThat(new RateLimitHeaders(true).render(status)).containsExactly(
                java.util.Map.entry("RateLimit-Policy", "\"per-user\";q=10;w=60, \"org-daily\";q=1000;w=86400"),
                java.util.Map.entry("RateLimit", "\"per-user\";r=9;t=60, \"org-daily\";r=3;t=3600"),
                java.util.Map.entry("X-RateLimit-Limit", "1000"),
                java.util.Map.entry("X-RateLimit-Remaining", "3"),
                java.util.Map.entry("X-RateLimit-Reset", "3600"));
    }

    @Test
    void tiesOnRemainingPickTheLongerReset() {
        LimitsStatus status = new LimitsStatus(List.of(new RateState(MINUTE, 0, 1_500), new RateState(DAY, 0, 90_000)));
        assertThat(new RateLimitHeaders(true).render(status)).containsEntry("X-RateLimit-Reset", "90")
                .containsEntry("X-RateLimit-Limit", "1000");
    }

    @Test
    void withoutLegacyHeadersOnlyTheIetfPairAndNothingForNoRules() {
        LimitsStatus status = new LimitsStatus(List.of(new RateState(MINUTE, 10, 0)));
        assertThat(new RateLimitHeaders(false).render(status)).containsOnlyKeys("RateLimit-Policy", "RateLimit")
                .containsEntry("RateLimit", "\"per-user\";r=10;t=0");
        assertThat(new RateLimitHeaders(true).render(new LimitsStatus(List.of()))).isEmpty();
        assertThat(new RateLimitHeaders(true).render(null)).isEmpty();
    }
}
