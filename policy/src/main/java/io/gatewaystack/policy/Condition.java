package io.gatewaystack.policy;

/**
 * A compiled test over the facts of one request. Conditions are immutable and shared between threads.
 * A condition that cannot be evaluated (a CEL runtime error) throws {@link PolicyEvaluationException}; the
 * engine then fails closed.
 */
@FunctionalInterface
public interface Condition {

    boolean test(PolicyInput input);

    Condition ALWAYS = input -> true;
}
