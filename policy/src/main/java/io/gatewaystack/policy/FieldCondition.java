package io.gatewaystack.policy;

/** One fact tested by one matcher, e.g. {@code model: {glob: "gpt-4*"}}. */
record FieldCondition(Fact fact, Matcher matcher) implements Condition {
    @Override
    public boolean test(PolicyInput input) {
        Object value = fact.read(input);
        return value == null ? matcher.matchesMissing() : matcher.matches(value);
    }
}
