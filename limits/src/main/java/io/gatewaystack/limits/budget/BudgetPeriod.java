package io.gatewaystack.limits.budget;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.Objects;

/**
 * The period a budget resets on: fixed, calendar-aligned intervals in UTC. A budget counts everything charged from
 * the start of the current period; at the period's end it starts again from zero.
 *
 * <p>Why fixed periods and not a sliding window: "500 USD per calendar month" is how finance thinks about money, and a
 * fixed period lets a report, an invoice and the limit agree on the same numbers. For token limits the price is a
 * possible burst at a period edge (up to twice the cap across two adjacent periods); request rates, where bursts
 * matter most, use the exact sliding log instead.
 *
 * @param kind   the calendar unit, or {@link Kind#CUSTOM}
 * @param length the length of a custom period (aligned to the Unix epoch); null for calendar kinds
 */
public record BudgetPeriod(Kind kind, Duration length) {

    public enum Kind { MINUTE, HOUR, DAY, WEEK, MONTH, CUSTOM }

    public static final BudgetPeriod MINUTE = new BudgetPeriod(Kind.MINUTE, null);
    public static final BudgetPeriod HOUR = new BudgetPeriod(Kind.HOUR, null);
    public static final BudgetPeriod DAY = new BudgetPeriod(Kind.DAY, null);
    /** ISO weeks: Monday 00:00 UTC to the next Monday. */
    public static final BudgetPeriod WEEK = new BudgetPeriod(Kind.WEEK, null);
    /** Calendar months in UTC. */
    public static final BudgetPeriod MONTH = new BudgetPeriod(Kind.MONTH, null);

    public BudgetPeriod {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.CUSTOM) {
            Objects.requireNonNull(length, "a custom period needs a length");
            if (length.toMillis() < 1000) {
                throw new IllegalArgumentException("a custom period must be at least one second");
            }
        } else {
            length = null;
        }
    }

    public static BudgetPeriod custom(Duration length) {
        return new BudgetPeriod(Kind.CUSTOM, length);
    }

    /** {@code minute|hour|day|week|month}, or an ISO-8601 duration ({@code PT15M}, {@code P7D}) for a custom period. */
    public static BudgetPeriod parse(String text) {
        String t = text.trim();
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "minute" -> MINUTE;
            case "hour" -> HOUR;
            case "day" -> DAY;
            case "week" -> WEEK;
            case "month" -> MONTH;
            default -> {
                Duration length;
                try {
                    length = Duration.parse(t.toUpperCase(Locale.ROOT));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(
                            "period must be minute, hour, day, week, month or an ISO-8601 duration like PT15M: " + text);
                }
                yield custom(length);
            }
        };
    }

    /** The start, in epoch milliseconds, of the period that contains {@code nowMillis}. */
    public long start(long nowMillis) {
        return switch (kind) {
            case MINUTE -> floor(nowMillis, 60_000);
            case HOUR -> floor(nowMillis, 3_600_000);
            case DAY -> floor(nowMillis, 86_400_000);
            case CUSTOM -> floor(nowMillis, length.toMillis());
            case WEEK -> date(nowMillis).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                    .atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            case MONTH -> date(nowMillis).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        };
    }

    /** The end (exclusive), in epoch milliseconds, of the period that contains {@code nowMillis}. */
    public long end(long nowMillis) {
        long start = start(nowMillis);
        return switch (kind) {
            case MINUTE -> start + 60_000;
            case HOUR -> start + 3_600_000;
            case DAY -> start + 86_400_000;
            case CUSTOM -> start + length.toMillis();
            case WEEK -> start + 7 * 86_400_000L;
            case MONTH -> ZonedDateTime.ofInstant(Instant.ofEpochMilli(start), ZoneOffset.UTC)
                    .plus(1, ChronoUnit.MONTHS).toInstant().toEpochMilli();
        };
    }

    /** How the period reads in messages: {@code day}, {@code month}, {@code PT15M}. */
    public String label() {
        return kind == Kind.CUSTOM ? length.toString() : kind.name().toLowerCase(Locale.ROOT);
    }

    private static long floor(long millis, long unit) {
        return Math.floorDiv(millis, unit) * unit;
    }

    private static LocalDate date(long millis) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }
}
