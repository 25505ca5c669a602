package io.gatewaystack.limits.store;

import io.gatewaystack.limits.FailureMode;
import io.gatewaystack.limits.RateLimitRule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis stopped or stalled mid-test: each test runs its own embedded Redis so it can stop it. */
class FailoverLimitStoreTest {

    private static final RateLimitRule THREE = RateLimitRule.perUser("three", 3, Duration.ofMinutes(1));
    private static final Duration TIMEOUT = Duration.ofMillis(200);

    private RedisSupport redis;

    @BeforeEach
    void start() throws Exception {
        redis = RedisSupport.startEmbedded();
    }

    @AfterEach
    void stop() throws Exception {
        redis.close();
    }

    private FailoverLimitStore store(FailureMode mode) {
        return new FailoverLimitStore(new RedisLimitStore(redis.url(), redis.prefix, TIMEOUT),
                new MemoryLimitStore(java.time.InstantSource.system()), mode);
    }

    private static LimitRequest request(String holder) {
        return new LimitRequest(holder, List.of(new RateCheck(THREE, "three|u=alice")),
                new ConcurrencyCheck("concurrency|u=alice", 10, Duration.ofMinutes(1)));
    }

    private static LimitOutcome reserve(LimitStore store, LimitRequest request) throws Exception {
        return store.reserve(request).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void failOpenCountsLocallyAndMarksDegradedWhenRedisStops() throws Exception {
        try (FailoverLimitStore store = store(FailureMode.FAIL_OPEN)) {
            LimitOutcome shared = reserve(store, request("1"));
            assertThat(shared.admitted()).isTrue();
            assertThat(shared.degraded()).isFalse();

            redis.stopServer();

            long started = System.nanoTime();
            LimitOutcome local = reserve(store, request("2"));
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(local.admitted()).isTrue();
            assertThat(local.degraded()).isTrue();
            assertThat(local.reservation().degraded()).isTrue();
            assertThat(tookMillis).isLessThan(1000);
            // The local limiter still enforces the rule on its own count.
            assertThat(reserve(store, request("3")).admitted()).isTrue();
            assertThat(reserve(store, request("4")).admitted()).isTrue();
            LimitOutcome denied = reserve(store, request("5"));
            assertThat(denied.verdict()).isEqualTo(LimitOutcome.Verdict.RATE_LIMITED);
            assertThat(denied.degraded()).isTrue();
            // A degraded reservation is released in the local store.
            store.release(local.reservation()).toCompletableFuture().get(1, TimeUnit.SECONDS);
            assertThat(store.fallback().inFlight("concurrency|u=alice")).isEqualTo(2);
            assertThat(store.failures()).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void failClosedAnswersUnavailableQuicklyWhenRedisStops() throws Exception {
        try (FailoverLimitStore store = store(FailureMode.FAIL_CLOSED)) {
            assertThat(reserve(store, request("1")).admitted()).isTrue();
            redis.stopServer();
            for (int i = 0; i < 5; i++) {
                long started = System.nanoTime();
                LimitOutcome outcome = reserve(store, request("x" + i));
                assertThat(outcome.verdict()).isEqualTo(LimitOutcome.Verdict.STORE_UNAVAILABLE);
                assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(1000);
            }
        }
    }

    @Test
    void aStalledRedisTimesOutWithinTheCommandTimeout() throws Exception {
        try (FailoverLimitStore store = store(FailureMode.FAIL_CLOSED)) {
            assertThat(reserve(store, request("1")).admitted()).isTrue();
            redis.admin().sync().clientPause(2000);
            long started = System.nanoTime();
            LimitOutcome outcome = reserve(store, request("2"));
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(outcome.verdict()).isEqualTo(LimitOutcome.Verdict.STORE_UNAVAILABLE);
            assertThat(tookMillis).isBetween(150L, 900L);
        }
    }

    @Test
    void redisDownFromTheStartStillAnswersUnderBothPolicies() throws Exception {
        redis.stopServer();
        try (FailoverLimitStore open = store(FailureMode.FAIL_OPEN);
             FailoverLimitStore closed = store(FailureMode.FAIL_CLOSED)) {
            LimitOutcome local = reserve(open, request("1"));
            assertThat(local.admitted()).isTrue();
            assertThat(local.degraded()).isTrue();
            assertThat(reserve(closed, request("2")).verdict()).isEqualTo(LimitOutcome.Verdict.STORE_UNAVAILABLE);
        }
    }
}
