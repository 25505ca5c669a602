package io.gatewaystack.audit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimeArgumentTest {

    static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    @Test
    void agesDatesInstantsAndEpochMillis() {
        assertThat(TimeArgument.parse("since", "30m", NOW)).isEqualTo(Instant.parse("2026-11-21T11:30:00Z").toEpochMilli());
        assertThat(TimeArgument.parse("since", " 24H ", NOW)).isEqualTo(Instant.parse("2026-11-20T12:00:00Z").toEpochMilli());
        assertThat(TimeArgument.parse("since", "2w", NOW)).isEqualTo(Instant.parse("2026-11-07T12:00:00Z").toEpochMilli());
        assertThat(TimeArgument.parse("since", "2026-11-01", NOW)).isEqualTo(Instant.parse("2026-11-01T00:00:00Z").toEpochMilli());
        assertThat(TimeArgument.parse("since", "2026-11-21T10:15:00Z", NOW))
                .isEqualTo(Instant.parse("2026-11-21T10:15:00Z").toEpochMilli());
        assertThat(TimeArgument.parse("since", "1780000000000", NOW)).isEqualTo(1_780_000_000_000L);
    }

    @Test
    void anythingElseNamesTheArgumentAndTheAcceptedForms() {
        assertThatThrownBy(() -> TimeArgument.parse("--since", "yesterday", NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--since must be an age (30m, 24h, 7d), a date, an ISO-8601 instant or epoch milliseconds");
    }
}
