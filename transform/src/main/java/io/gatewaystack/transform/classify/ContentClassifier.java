package io.gatewaystack.transform.classify;

import java.util.Set;

/**
 * Adds classification labels for a text. The built-in {@link HeuristicClassifier} uses documented phrase lists; an
 * ML model or a moderation API can be plugged in by implementing this interface and passing it to the layer.
 *
 * <p>Runs synchronously in the request phase (on an event loop): an implementation must be thread-safe and fast.
 * A classifier that needs network I/O is not supported by this interface yet (it would need the layer to return
 * {@code Verdict.await}).
 */
@FunctionalInterface
public interface ContentClassifier {

    /** Labels such as {@code medical} or {@code prompt_injection}; empty when none apply. Must not return null. */
    Set<String> classify(String text);
}
