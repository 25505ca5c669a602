package io.gatewaystack.core;

/**
 * One step of the gateway's request chain (identity, transform, policy, limits, ...).
 *
 * <p>The contract, in the style of OkHttp's interceptor:
 * <ul>
 *   <li>{@link #onRequest} runs in chain order. It reads the sections earlier layers wrote, writes only its own
 *       section of the {@link RequestContext}, and answers with a {@link Verdict}. Denying is returning
 *       {@link Verdict#reject}; a layer does not throw to deny. An exception that escapes anyway is a bug in the
 *       layer and the chain answers 500 {@code internal_error} (fail closed).</li>
 *   <li>{@code onRequest} must not block: it runs on an event loop. Slow or blocking work goes into a stage
 *       returned through {@link Verdict#await}, running on an executor the layer was given.</li>
 *   <li>{@link #onComplete} runs once per exchange after the response has been sent or has failed, in reverse
 *       chain order, for every layer whose {@code onRequest} was called. It is the place for accounting and
 *       audit. It must not block and must not throw (an exception is logged and ignored).</li>
 * </ul>
 * A layer holds no per-request state of its own: everything per request lives in the context.
 */
public interface Layer {

    /** A short stable name for logs and metrics, e.g. {@code identity}. */
    String name();

    /** The request phase. */
    Verdict onRequest(RequestContext context);

    /** The completion phase; the context carries the response status, usage and timings. */
    default void onComplete(RequestContext context) {
    }
}
