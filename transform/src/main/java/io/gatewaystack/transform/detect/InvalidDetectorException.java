package io.gatewaystack.transform.detect;

/** A custom detector that cannot be loaded; the message says which one and why. */
public final class InvalidDetectorException extends IllegalArgumentException {
    public InvalidDetectorException(String message) {
        super(message);
    }
}
