package io.gatewaystack.transform;

/** What the layer does when the transform itself fails (a bug, a body nested too deeply). */
public enum FailureMode {
    /** Let the request through unchanged and record {@code transform_error} in the context (the default). */
    FAIL_OPEN,
    /** Answer 503 {@code unavailable}. */
    FAIL_CLOSED
}
