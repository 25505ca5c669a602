package io.gatewaystack.limits.agent;

import io.gatewaystack.limits.FailureMode;
import io.gatewaystack.limits.store.RedisSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis stopped mid-test: each test runs its own embedded Redis so it can stop it. */
class FailoverWorkflowStoreTest {

    private static final WorkflowCaps CAPS = new WorkflowCaps(3, 0, 1_000, 0, 0, 60_000);

    private RedisSupport redis;

    @BeforeEach
    void start() throws Exception {
        redis = RedisSupport.startEmbedded();
    }

    @AfterEach
    void stop() throws Exception {
        redis.close();
    }

    private FailoverWorkflowStore store(FailureMode mode) {
        return new FailoverWorkflowStore(new RedisWorkflowStore(redis.url(), redis.prefix, Duration.ofMillis(200)),
                new MemoryWorkflowStore(InstantSource.system()), mode);
    }

    private static GuardOutcome check(WorkflowStore store) throws Exception {
        return store.check(new WorkflowCall("wf", null, CAPS)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void failOpenCountsLocallyAndMarksDegraded() throws Exception {
        try (FailoverWorkflowStore store = store(FailureMode.FAIL_OPEN)) {
            GuardOutcome shared = check(store);
            assertThat(shared.admitted()).isTrue();
            assertThat(shared.degraded()).isFalse();

            redis.stopServer();

            long started = System.nanoTime();
            GuardOutcome local = check(store);
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(1_000);
            assertThat(local.admitted()).isTrue();
            assertThat(local.degraded()).isTrue();
            assertThat(local.calls()).isEqualTo(1); // the local store starts its own count
            // the cost of a degraded call goes where it was counted
            store.addCost("wf", 2_000, true).toCompletableFuture().get(5, TimeUnit.SECONDS);
            GuardOutcome overCost = check(store);
            assertThat(overCost.cap()).isEqualTo(Cap.COST);
            assertThat(overCost.degraded()).isTrue();
            // a failed shared cost update is logged and dropped, never thrown
            store.addCost("wf", 5, false).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(store.failures()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void failClosedAnswersUnavailable() throws Exception {
        try (FailoverWorkflowStore store = store(FailureMode.FAIL_CLOSED)) {
            assertThat(check(store).admitted()).isTrue();
            redis.stopServer();
            GuardOutcome down = check(store);
            assertThat(down.verdict()).isEqualTo(GuardOutcome.Verdict.STORE_UNAVAILABLE);
            assertThat(store.fallback().size()).isZero();
        }
    }

    @Test
    void redisDownFromTheStart() throws Exception {
        redis.stopServer();
        try (FailoverWorkflowStore open = store(FailureMode.FAIL_OPEN);
             FailoverWorkflowStore closed = store(FailureMode.FAIL_CLOSED)) {
            assertThat(check(open).degraded()).isTrue();
            assertThat(check(closed).verdict()).isEqualTo(GuardOutcome.Verdict.STORE_UNAVAILABLE);
        }
    }
}
