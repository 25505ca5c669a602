package io.gatewaystack.transform.redact;

import java.util.Map;
import java.util.Objects;

/**
 * Which action applies to which finding type.
 *
 * @param perType       actions by type name; types not listed get {@code defaultAction}
 * @param defaultAction the action for every other type
 * @param maskKeep      for {@link Action#MASK}: how many code points to keep at each end
 */
public record ActionPolicy(Map<String, Action> perType, Action defaultAction, int maskKeep) {

    public ActionPolicy {
        perType = Map.copyOf(perType);
        Objects.requireNonNull(defaultAction, "defaultAction");
        if (maskKeep < 0) throw new IllegalArgumentException("maskKeep must be >= 0");
    }

    public static ActionPolicy all(Action action) {
        return new ActionPolicy(Map.of(), action, 2);
    }

    public Action actionFor(String type) {
        return perType.getOrDefault(type, defaultAction);
    }
}
