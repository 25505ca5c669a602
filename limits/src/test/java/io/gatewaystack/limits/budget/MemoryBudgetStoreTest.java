package io.gatewaystack.limits.budget;

import io.gatewaystack.limits.store.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryBudgetStoreTest extends BudgetStoreContract {

    private final TestClock clock = new TestClock(System.currentTimeMillis());
    private final MemoryBudgetStore store = new MemoryBudgetStore(clock);

    @Override
    BudgetStore store() {
        return store;
    }

    @Override
    void passTime(long ttlMillis) {
        clock.advance(ttlMillis);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void sweepDropsCountersAnHourAfterTheirPeriodEnded() throws Exception {
        long now = clock.millis();
        store.reserveNow(new BudgetRequest("r", List.of(new BudgetCheck(USER, "u=a|p=1", 5, now + 1000)), 60_000));
        assertThat(store.sweep()).isZero();
        clock.advance(1000 + 3_600_000);
        assertThat(store.sweep()).isEqualTo(1);
        assertThat(store.size()).isZero();
    }
}
