package io.gatewaystack.limits.budget;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The accounting step of one request: drop its reservations and charge what it really used. Self-contained (no
 * rules), so a settlement that failed can be written to the spool and replayed later, by this process or after a
 * restart; settling is idempotent per holder, so a replay never charges twice.
 *
 * @param holder  the request id the reservations are filed under
 * @param charges one per counter the request reserved on
 */
public record Settlement(String holder, List<Charge> charges) {

    /**
     * @param key       the counter
     * @param periodEnd the end of the counter's period (epoch ms), which bounds the key's lifetime
     * @param actual    what the request used, 0 or more
     */
    public record Charge(String key, long periodEnd, long actual) {
        public Charge {
            Objects.requireNonNull(key, "key");
            if (actual < 0) {
                throw new IllegalArgumentException("actual cannot be negative");
            }
        }
    }

    public Settlement {
        Objects.requireNonNull(holder, "holder");
        charges = List.copyOf(charges);
    }

    /** The settlement of {@code hold} with what the call really cost. */
    public static Settlement of(BudgetHold hold, Amounts used) {
        List<Charge> charges = new ArrayList<>(hold.checks().size());
        for (BudgetCheck check : hold.checks()) {
            charges.add(new Charge(check.key(), check.periodEnd(), used.of(check.rule().meter())));
        }
        return new Settlement(hold.holder(), charges);
    }
}
