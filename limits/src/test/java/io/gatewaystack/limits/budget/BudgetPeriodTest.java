package io.gatewaystack.limits.budget;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BudgetPeriodTest {

    private static long at(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void calendarPeriodsAreUtcAligned() {
        long t = at("2028-02-29T13:45:30.123Z"); // a leap day, a Tuesday
        assertThat(BudgetPeriod.MINUTE.start(t)).isEqualTo(at("2028-02-29T13:45:00Z"));
        assertThat(BudgetPeriod.HOUR.end(t)).isEqualTo(at("2028-02-29T14:00:00Z"));
        assertThat(BudgetPeriod.DAY.start(t)).isEqualTo(at("2028-02-29T00:00:00Z"));
        assertThat(BudgetPeriod.WEEK.start(t)).isEqualTo(at("2028-02-28T00:00:00Z"));
        assertThat(BudgetPeriod.WEEK.end(t)).isEqualTo(at("2028-03-06T00:00:00Z"));
        assertThat(BudgetPeriod.MONTH.start(t)).isEqualTo(at("2028-02-01T00:00:00Z"));
        assertThat(BudgetPeriod.MONTH.end(t)).isEqualTo(at("2028-03-01T00:00:00Z"));
        assertThat(BudgetPeriod.MONTH.end(at("2026-12-31T23:59:59.999Z"))).isEqualTo(at("2027-01-01T00:00:00Z"));
    }

    @Test
    void theLastMillisecondBelongsToThePeriodAndTheNextStartsANewOne() {
        long end = at("2026-12-01T00:00:00Z");
        assertThat(BudgetPeriod.MONTH.start(end - 1)).isEqualTo(at("2026-11-01T00:00:00Z"));
        assertThat(BudgetPeriod.MONTH.start(end)).isEqualTo(end);
    }

    @Test
    void customPeriodsParseFromIsoDurationsAndAlignToTheEpoch() {
        BudgetPeriod quarter = BudgetPeriod.parse("PT15M");
        assertThat(quarter).isEqualTo(BudgetPeriod.custom(Duration.ofMinutes(15)));
        assertThat(quarter.start(at("2026-11-21T10:44:59Z"))).isEqualTo(at("2026-11-21T10:30:00Z"));
        assertThat(BudgetPeriod.parse("Month")).isEqualTo(BudgetPeriod.MONTH);
        assertThat(quarter.label()).isEqualTo("PT15M");
        assertThatThrownBy(() -> BudgetPeriod.parse("fortnight")).hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> BudgetPeriod.parse("PT0.5S")).hasMessageContaining("at least one second");
    }
}
