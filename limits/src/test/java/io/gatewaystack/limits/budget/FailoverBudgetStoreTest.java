package io.gatewaystack.limits.budget;

import io.gatewaystack.limits.FailureMode;
import io.gatewaystack.limits.KeyPart;
import io.gatewaystack.limits.store.RedisSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis stopped mid-test (each test runs its own embedded Redis): pre-flight policy, and settlements that wait. */
class FailoverBudgetStoreTest {

    private static final BudgetRule DAY = new BudgetRule("day", List.of(KeyPart.USER), Meter.COST, 1_000,
            BudgetPeriod.DAY);

    private RedisSupport redis;

    @BeforeEach
    void start() throws Exception {
        redis = RedisSupport.startEmbedded();
    }

    @AfterEach
    void stop() throws Exception {
        redis.close();
    }

    private FailoverBudgetStore store(FailureMode mode, Path spoolFile) {
        RedisBudgetStore shared = new RedisBudgetStore(redis.url(), redis.prefix, Duration.ofMillis(500));
        return new FailoverBudgetStore(shared, new MemoryBudgetStore(InstantSource.system()), mode,
                new SettlementSpool(shared::settle, spoolFile, 1000, Duration.ofMillis(100)));
    }

    private static BudgetRequest request(String holder, long amount) {
        return new BudgetRequest(holder, List.of(new BudgetCheck(DAY, "day|u=alice|p=0",
                amount, System.currentTimeMillis() + 3_600_000)), 60_000);
    }

    private static BudgetOutcome reserve(BudgetStore store, BudgetRequest request) throws Exception {
        return store.reserve(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void failOpenReservesLocallyAndSettlesWhereItReserved() throws Exception {
        try (FailoverBudgetStore store = store(FailureMode.FAIL_OPEN, null)) {
            assertThat(reserve(store, request("a", 600)).degraded()).isFalse();
            redis.stopServer();
            BudgetOutcome local = reserve(store, request("b", 600));
            assertThat(local.admitted()).isTrue();
            assertThat(local.degraded()).isTrue();
            assertThat(local.hold().degraded()).isTrue();
            // The local store enforces the cap on its own count.
            assertThat(reserve(store, request("c", 600)).verdict()).isEqualTo(BudgetOutcome.Verdict.EXCEEDED);
            store.settle(local.hold(), new Amounts(0, 0, 100)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(reserve(store, request("d", 900)).admitted()).isTrue();
            assertThat(store.failures()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void failClosedAnswersUnavailable() throws Exception {
        try (FailoverBudgetStore store = store(FailureMode.FAIL_CLOSED, null)) {
            redis.stopServer();
            long started = System.nanoTime();
            BudgetOutcome outcome = reserve(store, request("a", 10));
            assertThat(outcome.verdict()).isEqualTo(BudgetOutcome.Verdict.STORE_UNAVAILABLE);
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(3_000);
        }
    }

    @Test
    void aSettlementThatFailsIsSpooledAndLandsOnceRedisIsBack(@TempDir Path dir) throws Exception {
        Path spool = dir.resolve("settlements.spool");
        try (FailoverBudgetStore store = store(FailureMode.FAIL_OPEN, spool)) {
            BudgetOutcome admitted = reserve(store, request("a", 800));
            redis.admin().sync().clientPause(1500); // Redis stalls: the settlement times out
            store.settle(admitted.hold(), new Amounts(0, 0, 300)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(store.spool().pending()).isEqualTo(1);
            // The spool's own thread writes the file; it may be replayed (and deleted) as soon as Redis is back.
            String written = "";
            for (int i = 0; i < 100 && written.isEmpty(); i++) {
                written = Files.exists(spool) ? Files.readString(spool) : "";
                if (written.isEmpty()) {
                    Thread.sleep(10);
                }
            }
            assertThat(written).contains("day%7Cu%3Dalice%7Cp%3D0");
            // Once Redis answers again the spool replays the settlement: charged once, reservation gone.
            BudgetState state = null;
            for (int i = 0; i < 100 && store.spool().pending() > 0; i++) {
                Thread.sleep(50);
            }
            assertThat(store.spool().pending()).isZero();
            state = store.read(request("x", 0).checks()).toCompletableFuture().get(5, TimeUnit.SECONDS).get(0);
            assertThat(state.spent()).isEqualTo(300);
            assertThat(state.reserved()).isZero();
            for (int i = 0; i < 50 && Files.exists(spool); i++) {
                Thread.sleep(20);
            }
            assertThat(spool).doesNotExist();
        }
    }

    @Test
    void aSpoolLeftByACrashIsReplayedAtStart(@TempDir Path dir) throws Exception {
        Path spool = dir.resolve("settlements.spool");
        BudgetRequest request = request("crashed", 500);
        try (RedisBudgetStore shared = new RedisBudgetStore(redis.url(), redis.prefix, Duration.ofSeconds(5))) {
            assertThat(shared.reserve(request).toCompletableFuture().get(5, TimeUnit.SECONDS).admitted()).isTrue();
        }
        Settlement pending = Settlement.of(new BudgetHold("crashed", request.checks(), false), new Amounts(0, 0, 120));
        Files.writeString(spool, SettlementSpool.format(pending) + "\n" + SettlementSpool.format(pending) + "\n");
        try (FailoverBudgetStore store = store(FailureMode.FAIL_OPEN, spool)) {
            for (int i = 0; i < 100 && (store.spool().pending() > 0 || Files.exists(spool)); i++) {
                Thread.sleep(50);
            }
            BudgetState state = store.read(request.checks()).toCompletableFuture().get(5, TimeUnit.SECONDS).get(0);
            assertThat(state.spent()).as("replayed twice, charged once").isEqualTo(120);
            assertThat(state.reserved()).isZero();
        }
    }

    @Test
    void aSettlementFailingAfterTheSpoolClosedIsStillWrittenToTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("settlements.spool");
        SettlementSpool spool = new SettlementSpool(s -> CompletableFuture.failedFuture(new IllegalStateException()),
                file, 10, Duration.ofMinutes(1));
        spool.close();
        Settlement late = Settlement.of(new BudgetHold("late", request("late", 500).checks(), false),
                new Amounts(0, 0, 70));
        spool.add(late); // a settlement whose Redis call failed while the gateway was stopping
        assertThat(Files.readAllLines(file)).containsExactly(SettlementSpool.format(late));
        assertThat(spool.dropped()).isZero();
    }
}
