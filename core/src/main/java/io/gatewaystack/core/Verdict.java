package io.gatewaystack.core;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * What a layer says about a request: go on, stop with an error, or "ask me again when this stage completes".
 *
 * <p>The synchronous answers ({@link #proceed()} and {@link #reject}) cost no allocation on the hot path
 * ({@code proceed()} is a shared constant); {@link #await} lets a layer do slow work (a JWKS fetch, a Redis
 * round trip) without blocking the thread that runs the chain.
 */
public final class Verdict {

    private static final Verdict PROCEED = new Verdict(null, null);

    private final GatewayError rejection;
    private final CompletionStage<Verdict> pending;

    private Verdict(GatewayError rejection, CompletionStage<Verdict> pending) {
        this.rejection = rejection;
        this.pending = pending;
    }

    /** Let the request go on to the next layer. */
    public static Verdict proceed() {
        return PROCEED;
    }

    /** Stop the chain and answer with this error. */
    public static Verdict reject(GatewayError error) {
        return new Verdict(Objects.requireNonNull(error, "error"), null);
    }

    /** Stop the chain and answer with this error. */
    public static Verdict reject(ErrorCode code, String description) {
        return reject(GatewayError.of(code, description));
    }

    /**
     * The answer is not known yet: the chain resumes when the stage completes with a proceed or reject verdict.
     * A stage that completes exceptionally is treated as a failure of this layer (fail closed).
     */
    public static Verdict await(CompletionStage<Verdict> stage) {
        return new Verdict(null, Objects.requireNonNull(stage, "stage"));
    }

    public boolean isProceed() {
        return rejection == null && pending == null;
    }

    public boolean isRejected() {
        return rejection != null;
    }

    public boolean isPending() {
        return pending != null;
    }

    /** The error of a rejected verdict, else null. */
    public GatewayError rejection() {
        return rejection;
    }

    /** The stage of a pending verdict, else null. */
    public CompletionStage<Verdict> pending() {
        return pending;
    }

    @Override
    public String toString() {
        return isProceed() ? "Verdict[proceed]" : isRejected() ? "Verdict[reject " + rejection.code().code() + "]" : "Verdict[pending]";
    }
}
