package io.gatewaystack.audit.store;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

/** The start of a time range as people type it in a query or on the command line. */
public final class TimeArgument {

    private TimeArgument() {
    }

    /**
     * Epoch milliseconds of {@code text}: an age before {@code now} ({@code 30m}, {@code 24h}, {@code 7d},
     * {@code 2w}; {@code s} for seconds), a UTC date ({@code 2026-11-21}), an ISO-8601 instant or epoch milliseconds.
     *
     * @param name what the value is called, for the error
     * @throws IllegalArgumentException naming {@code name} and the accepted forms
     */
    public static long parse(String name, String text, Instant now) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.matches("\\d+[smhdw]")) {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                Duration d = switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'd' -> Duration.ofDays(n);
                    default -> Duration.ofDays(7 * n);
                };
                return now.minus(d).toEpochMilli();
            }
            if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            }
            if (t.matches("\\d{10,16}")) {
                return Long.parseLong(t);
            }
            return Instant.parse(text.trim()).toEpochMilli();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    name + " must be an age (30m, 24h, 7d), a date, an ISO-8601 instant or epoch milliseconds");
        }
    }
}
