package io.gatewaystack.policy;

/**
 * Receives shadow-mode disagreements (the audit layer persists them). Called on the request thread: it must not
 * block, and an exception it throws is logged and ignored.
 */
@FunctionalInterface
public interface ShadowListener {

    void onDisagreement(ShadowDisagreement disagreement);

    ShadowListener NONE = d -> { };
}
