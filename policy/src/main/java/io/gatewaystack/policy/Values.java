package io.gatewaystack.policy;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/** How facts and policy literals compare: by string form, with integral numbers written without a fraction. */
final class Values {

    private Values() {}

    static String text(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(value);
    }

    static Collection<?> asCollection(Object value) {
        return value instanceof Collection<?> c ? c : List.of(value);
    }

    static boolean containsText(Collection<?> values, String text) {
        if (values instanceof Set<?> set && set.contains(text)) {
            return true;
        }
        for (Object v : values) {
            if (v != null && text.equals(text(v))) {
                return true;
            }
        }
        return false;
    }
}
