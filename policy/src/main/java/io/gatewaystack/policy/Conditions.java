package io.gatewaystack.policy;

import java.util.List;

/** Composition: all / any / not. */
final class Conditions {

    private Conditions() {}

    static Condition all(List<Condition> parts) {
        if (parts.isEmpty()) {
            return Condition.ALWAYS;
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        Condition[] array = parts.toArray(Condition[]::new);
        return input -> {
            for (Condition c : array) {
                if (!c.test(input)) {
                    return false;
                }
            }
            return true;
        };
    }

    static Condition any(List<Condition> parts) {
        Condition[] array = parts.toArray(Condition[]::new);
        return input -> {
            for (Condition c : array) {
                if (c.test(input)) {
                    return true;
                }
            }
            return false;
        };
    }

    static Condition not(Condition part) {
        return input -> !part.test(input);
    }
}
