package io.gatewaystack.policy;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;

/**
 * The request's time (from the injected clock) within a daily window in a time zone, optionally on given days.
 * A window whose end is before its start wraps midnight ({@code 22:00}–{@code 06:00}). Start inclusive, end exclusive.
 */
record TimeOfDayCondition(LocalTime after, LocalTime before, ZoneId zone, Set<DayOfWeek> days) implements Condition {
    @Override
    public boolean test(PolicyInput input) {
        ZonedDateTime t = input.time().atZone(zone);
        if (!days.isEmpty() && !days.contains(t.getDayOfWeek())) {
            return false;
        }
        LocalTime now = t.toLocalTime();
        boolean afterStart = after == null || !now.isBefore(after);
        boolean beforeEnd = before == null || now.isBefore(before);
        if (after != null && before != null && before.isBefore(after)) {
            return afterStart || beforeEnd;
        }
        return afterStart && beforeEnd;
    }
}
