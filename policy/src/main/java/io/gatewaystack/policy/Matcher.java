package io.gatewaystack.policy;

import java.util.Collection;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A test on one fact's value. Scalar matchers (equals, in, glob, regex, comparisons) hold on a list-valued fact
 * (roles, scopes, labels, a list claim) when they hold for at least one element. A missing value matches nothing
 * except {@code exists: false}.
 */
interface Matcher {

    boolean matches(Object value);

    default boolean matchesMissing() {
        return false;
    }

    /** Base of the matchers that test one scalar at a time. */
    abstract class Scalar implements Matcher {
        abstract boolean matchesScalar(Object value);

        @Override
        public final boolean matches(Object value) {
            if (value instanceof Collection<?> values) {
                for (Object v : values) {
                    if (v != null && matchesScalar(v)) {
                        return true;
                    }
                }
                return false;
            }
            return matchesScalar(value);
        }
    }

    /** Numbers compare numerically, everything else by its string form. */
    final class Equals extends Scalar {
        final Object expected;
        private final String expectedText;

        Equals(Object expected) {
            this.expected = expected;
            this.expectedText = Values.text(expected);
        }

        @Override
        boolean matchesScalar(Object value) {
            if (expected instanceof Number e && value instanceof Number v) {
                return e.doubleValue() == v.doubleValue();
            }
            return expectedText.equals(Values.text(value));
        }
    }

    /** Equals one of a set (the string forms). */
    final class In extends Scalar {
        final Set<String> allowed;

        In(Set<String> allowed) {
            this.allowed = Set.copyOf(allowed);
        }

        @Override
        boolean matchesScalar(Object value) {
            return allowed.contains(Values.text(value));
        }
    }

    /** A glob ({@code *} any run of characters, {@code ?} one) or a regular expression, searched in the string form. */
    final class PatternMatch extends Scalar {
        private final Pattern pattern;
        private final boolean whole;

        PatternMatch(Pattern pattern, boolean whole) {
            this.pattern = pattern;
            this.whole = whole;
        }

        @Override
        boolean matchesScalar(Object value) {
            var m = pattern.matcher(Values.text(value));
            return whole ? m.matches() : m.find();
        }
    }

    /** gt, gte, lt, lte on numbers; a non-numeric value never matches. */
    final class Compare extends Scalar {
        enum Op { GT, GTE, LT, LTE }

        private final Op op;
        private final double bound;

        Compare(Op op, double bound) {
            this.op = op;
            this.bound = bound;
        }

        @Override
        boolean matchesScalar(Object value) {
            if (!(value instanceof Number n)) {
                return false;
            }
            double v = n.doubleValue();
            return switch (op) {
                case GT -> v > bound;
                case GTE -> v >= bound;
                case LT -> v < bound;
                case LTE -> v <= bound;
            };
        }
    }

    /** Every listed value is present (a scalar fact counts as a list of one). */
    record ContainsAll(Set<String> required) implements Matcher {
        @Override
        public boolean matches(Object value) {
            Collection<?> values = Values.asCollection(value);
            for (String r : required) {
                if (!Values.containsText(values, r)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** None of the listed values is present. A missing fact does not match (use {@code exists: false}). */
    record ContainsNone(Set<String> forbidden) implements Matcher {
        @Override
        public boolean matches(Object value) {
            Collection<?> values = Values.asCollection(value);
            for (String f : forbidden) {
                if (Values.containsText(values, f)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code exists: true} holds for any present value, {@code exists: false} only for a missing one. */
    record Exists(boolean present) implements Matcher {
        @Override
        public boolean matches(Object value) {
            return present;
        }

        @Override
        public boolean matchesMissing() {
            return !present;
        }
    }
}
