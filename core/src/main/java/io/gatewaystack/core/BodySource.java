package io.gatewaystack.core;

import java.util.concurrent.CompletionStage;

/**
 * How a layer can get the request body, which the server has not read yet (it may never need to: a streamed
 * proxy route does not). Set on the context by the server; used by {@link ReadBody}.
 */
@FunctionalInterface
public interface BodySource {

    /**
     * Reads the whole body; the stage fails with {@link TooLarge} past {@code maxBytes}. Completes on the
     * request's own thread (event loop).
     */
    CompletionStage<byte[]> read(long maxBytes);

    /** The body was larger than allowed. */
    final class TooLarge extends RuntimeException {
        public TooLarge() {
            super("request body too large", null, false, false);
        }
    }
}
