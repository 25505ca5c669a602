package io.gatewaystack.policy;

/** A rule could not be evaluated for a request (e.g. a CEL runtime error). The layer fails closed with 503. */
public final class PolicyEvaluationException extends RuntimeException {
    public PolicyEvaluationException(String message, Throwable cause) {
        super(message, cause);
    }
}
