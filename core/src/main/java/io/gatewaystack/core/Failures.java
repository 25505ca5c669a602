package io.gatewaystack.core;

import java.util.concurrent.CompletionException;

/** Reading the failures that asynchronous stages and start-up hand back. */
public final class Failures {

    private Failures() {
    }

    /** The failure a dependent stage wrapped in a {@link CompletionException}, or the failure itself. */
    public static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** The message of the innermost cause (its class name when it has none), for one-line operator errors. */
    public static String rootMessage(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
