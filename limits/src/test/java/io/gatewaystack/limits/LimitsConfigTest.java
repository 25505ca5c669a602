package io.gatewaystack.limits;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LimitsConfigTest {

    @Test
    void seedVariablesMeanOneRulePerAuthenticatedUser() {
        LimitsConfig defaults = LimitsConfig.fromSeedEnvironment(Map.of());
        assertThat(defaults.rules()).containsExactly(RateLimitRule.perUser("per-user", 10, Duration.ofMinutes(1)));
        assertThat(defaults.store()).isEqualTo(StoreKind.MEMORY);

        LimitsConfig set = LimitsConfig.fromSeedEnvironment(Map.of("RATE_LIMIT_WINDOW_MS", "1000",
                "RATE_LIMIT_MAX", "5", "REDIS_URL", "redis://127.0.0.1:6379"));
        assertThat(set.rules().getFirst().keyParts()).containsExactly(KeyPart.USER);
        assertThat(set.rules().getFirst().max()).isEqualTo(5);
        assertThat(set.rules().getFirst().windowMillis()).isEqualTo(1000);
        assertThat(set.store()).isEqualTo(StoreKind.REDIS);
        assertThat(set.failureMode()).isEqualTo(FailureMode.FAIL_OPEN);

        assertThatThrownBy(() -> LimitsConfig.fromSeedEnvironment(Map.of("RATE_LIMIT_MAX", "ten")))
                .hasMessageContaining("RATE_LIMIT_MAX");
    }

    @Test
    void rejectsBadRules() {
        assertThatThrownBy(() -> RateLimitRule.perUser("has space", 1, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateLimitRule.perUser("zero", 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimitRule("dup", List.of(KeyPart.USER, KeyPart.USER), 1, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        RateLimitRule a = RateLimitRule.perUser("same", 1, Duration.ofSeconds(1));
        assertThatThrownBy(() -> LimitsConfig.of(List.of(a, a))).hasMessageContaining("same");
        assertThatThrownBy(() -> LimitsConfig.of(List.of(a)).withRedis(" ")).hasMessageContaining("redis");
    }

    @Test
    void keysEscapeSeparatorsAndHashTagBraces() {
        var context = io.gatewaystack.core.RequestContext.builder().requestId("r").method("GET").path("/")
                .routeName("proxy").build();
        context.identity(new io.gatewaystack.core.Identity("a|o=x}{", "https://idp", "acme", null, List.of(),
                List.of(), null, null, null, null, null, Map.of()));
        RateLimitRule rule = new RateLimitRule("r", List.of(KeyPart.USER, KeyPart.ROUTE), 1, Duration.ofSeconds(1));
        assertThat(new LimitKeys().rateKey(rule, context)).isEqualTo("r|u=a%7Co%3Dx%7D%7B|r=proxy");
        assertThat(new LimitKeys().concurrencyKey(context.identity())).isEqualTo("concurrency|u=a%7Co%3Dx%7D%7B");
    }
}
