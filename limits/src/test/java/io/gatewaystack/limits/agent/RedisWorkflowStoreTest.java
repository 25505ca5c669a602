package io.gatewaystack.limits.agent;

import io.gatewaystack.limits.store.RedisSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Against the real Redis ({@code REDIS_URL}, else an embedded one), each test under its own key prefix. */
class RedisWorkflowStoreTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private RedisSupport redis;
    private RedisWorkflowStore store;

    @BeforeEach
    void start() throws Exception {
        redis = RedisSupport.shared();
        store = new RedisWorkflowStore(redis.url(), redis.prefix, TIMEOUT);
        // connect and load the script first: the timing tests below must not include the first connect
        check("warm-up", null, new WorkflowCaps(0, 0, 0, 0, 0, 1_000));
    }

    @AfterEach
    void stop() throws Exception {
        store.close();
        redis.close();
    }

    private static GuardOutcome check(WorkflowStore store, String key, String fp, WorkflowCaps caps) throws Exception {
        return store.check(new WorkflowCall(key, fp, caps)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private GuardOutcome check(String key, String fp, WorkflowCaps caps) throws Exception {
        return check(store, key, fp, caps);
    }

    @Test
    void callCapAndKeysWithHashTagAndExpiry() throws Exception {
        WorkflowCaps caps = new WorkflowCaps(2, 0, 0, 3, 60_000, 30_000);
        assertThat(check("wf1", "fp", caps).calls()).isEqualTo(1);
        GuardOutcome second = check("wf1", "fp", caps);
        assertThat(second.admitted()).isTrue();
        assertThat(second.calls()).isEqualTo(2);
        assertThat(second.repeats()).isEqualTo(2);
        GuardOutcome refused = check("wf1", "fp", caps);
        assertThat(refused.cap()).isEqualTo(Cap.CALLS);
        assertThat(refused.retryAfterMillis()).isBetween(29_000L, 30_000L);

        var sync = redis.admin().sync();
        String hash = redis.prefix + "wf:{wf1}";
        String loop = redis.prefix + "wf:{wf1}:loop:fp";
        assertThat(sync.hget(hash, "c")).isEqualTo("2");
        assertThat(sync.pttl(hash)).isBetween(1L, 30_000L);
        assertThat(sync.llen(loop)).isEqualTo(2);
        assertThat(sync.pttl(loop)).isBetween(1L, 60_000L);
    }

    @Test
    void loopDetectionWithAShortWindow() throws Exception {
        WorkflowCaps caps = new WorkflowCaps(0, 0, 0, 2, 1_500, 60_000);
        assertThat(check("wf2", "same", caps).admitted()).isTrue();
        assertThat(check("wf2", "same", caps).admitted()).isTrue();
        GuardOutcome loop = check("wf2", "same", caps);
        assertThat(loop.cap()).isEqualTo(Cap.LOOP);
        assertThat(loop.retryAfterMillis()).isBetween(1L, 1_500L);
        assertThat(check("wf2", "other", caps).admitted()).isTrue();
        // once the first call leaves the 1.5 s window, the same call passes again (bounded wait on Redis time)
        long deadline = System.nanoTime() + 5_000_000_000L;
        GuardOutcome again = check("wf2", "same", caps);
        while (!again.admitted() && System.nanoTime() < deadline) {
            Thread.sleep(Math.min(again.retryAfterMillis(), 50));
            again = check("wf2", "same", caps);
        }
        assertThat(again.admitted()).isTrue();
        assertThat(again.repeats()).isLessThanOrEqualTo(2);
    }

    @Test
    void costAddsUpAndTheNextCallIsRefused() throws Exception {
        WorkflowCaps caps = new WorkflowCaps(0, 0, 1_000, 0, 0, 60_000);
        assertThat(check("wf3", null, caps).admitted()).isTrue();
        store.addCost("wf3", 400).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(check("wf3", null, caps).costMicros()).isEqualTo(400);
        store.addCost("wf3", 700).toCompletableFuture().get(5, TimeUnit.SECONDS);
        GuardOutcome refused = check("wf3", null, caps);
        assertThat(refused.cap()).isEqualTo(Cap.COST);
        assertThat(refused.costMicros()).isEqualTo(1_100);
        // a cost for a workflow that does not exist (expired) creates nothing
        store.addCost("gone", 5).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(redis.admin().sync().exists(redis.prefix + "wf:{gone}")).isZero();
    }

    @Test
    void anExpiredWorkflowStartsAfreshAndIgnoresItsOldLoopLog() throws Exception {
        // idle TTL 1 s, loop window 1 minute: the loop list outlives the workflow hash
        WorkflowCaps caps = new WorkflowCaps(0, 0, 0, 1, 60_000, 1_000);
        assertThat(check("wf4", "fp", caps).admitted()).isTrue();
        assertThat(check("wf4", "fp", caps).cap()).isEqualTo(Cap.LOOP);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (redis.admin().sync().exists(redis.prefix + "wf:{wf4}") == 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(redis.admin().sync().exists(redis.prefix + "wf:{wf4}:loop:fp")).isEqualTo(1);
        GuardOutcome fresh = check("wf4", "fp", caps);
        assertThat(fresh.admitted()).isTrue();
        assertThat(fresh.calls()).isEqualTo(1);
        assertThat(fresh.repeats()).isEqualTo(1);
    }

    @Test
    void durationCapOnRedisTime() throws Exception {
        WorkflowCaps caps = new WorkflowCaps(0, 150, 0, 0, 0, 60_000);
        assertThat(check("wf5", null, caps).admitted()).isTrue();
        long deadline = System.nanoTime() + 5_000_000_000L;
        GuardOutcome outcome = check("wf5", null, caps);
        while (outcome.admitted() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            outcome = check("wf5", null, caps);
        }
        assertThat(outcome.cap()).isEqualTo(Cap.DURATION);
        assertThat(outcome.retryAfterMillis()).isBetween(59_000L, 60_000L);
    }

    @Test
    void twoStoresSharingRedisAdmitExactlyTheCapTogether() throws Exception {
        WorkflowCaps caps = new WorkflowCaps(25, 0, 0, 0, 0, 60_000);
        try (RedisWorkflowStore other = new RedisWorkflowStore(redis.url(), redis.prefix, TIMEOUT)) {
            List<CompletableFuture<GuardOutcome>> calls = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                WorkflowStore target = i % 2 == 0 ? store : other;
                calls.add(target.check(new WorkflowCall("wf6", null, caps)).toCompletableFuture());
            }
            int admitted = 0;
            for (CompletableFuture<GuardOutcome> call : calls) {
                if (call.get(10, TimeUnit.SECONDS).admitted()) {
                    admitted++;
                }
            }
            assertThat(admitted).isEqualTo(25);
        }
    }

    @Test
    void scriptsAreReloadedAfterAFlush() throws Exception {
        WorkflowCaps caps = new WorkflowCaps(10, 0, 0, 0, 0, 60_000);
        assertThat(check("wf7", null, caps).admitted()).isTrue();
        redis.admin().sync().scriptFlush();
        assertThat(check("wf7", null, caps).calls()).isEqualTo(2);
    }
}
