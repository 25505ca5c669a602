package io.gatewaystack.core;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * An ordered chain of {@link Layer}s, run over one {@link RequestContext}.
 *
 * <p>{@link #run} calls each layer's request phase in order until one rejects or all proceed. When every layer
 * answers synchronously (the common case: cached token, in-memory limits) the whole run happens on the calling
 * thread without allocating. When a layer answers {@link Verdict#await}, the run resumes with the next layer on
 * the thread that completes the stage; callers that must continue on a specific thread (an event loop) hop back
 * themselves.
 *
 * <p>Immutable and shared by all requests of a route.
 */
public final class Pipeline {

    /** Told about layers that threw (a bug): the server logs them; the client only sees {@code internal_error}. */
    @FunctionalInterface
    public interface FailureListener {
        void layerFailed(Layer layer, String phase, Throwable error);
    }

    private static final GatewayError LAYER_FAILED = GatewayError.of(ErrorCode.INTERNAL_ERROR,
            "The gateway could not process the request.");

    private final Layer[] layers;
    private final FailureListener failures;

    public Pipeline(List<? extends Layer> layers, FailureListener failures) {
        this.layers = layers.toArray(new Layer[0]);
        this.failures = Objects.requireNonNull(failures, "failures");
    }

    public List<Layer> layers() {
        return List.of(layers);
    }

    /**
     * Runs the request phase. The final verdict (proceed or reject, never pending) is handed to {@code done},
     * exactly once, either before this method returns or later on the thread that completed an awaited stage.
     * A rejection is also recorded in {@link RequestContext#rejection()}.
     */
    public void run(RequestContext context, Consumer<Verdict> done) {
        runFrom(0, context, done);
    }

    private void runFrom(int start, RequestContext context, Consumer<Verdict> done) {
        for (int i = start; i < layers.length; i++) {
            Layer layer = layers[i];
            Verdict verdict = callLayer(layer, context);
            context.layersRun = i + 1;
            if (verdict.isProceed()) {
                continue;
            }
            if (verdict.isRejected()) {
                finish(context, verdict, done);
                return;
            }
            int next = i + 1;
            CompletionStage<Verdict> stage = verdict.pending();
            stage.whenComplete((resolved, failure) -> {
                Verdict outcome;
                if (failure != null || resolved == null || resolved.isPending()) {
                    failures.layerFailed(layer, "request", failure != null ? failure
                            : new IllegalStateException("awaited stage completed with " + resolved));
                    outcome = Verdict.reject(LAYER_FAILED);
                } else {
                    outcome = resolved;
                }
                if (outcome.isRejected()) {
                    finish(context, outcome, done);
                } else {
                    runFrom(next, context, done);
                }
            });
            return;
        }
        done.accept(Verdict.proceed());
    }

    /**
     * Runs the completion phase in reverse order for the layers whose request phase ran. Exceptions are caught
     * so that one faulty layer cannot stop the others (audit must still see the request).
     */
    public void complete(RequestContext context) {
        for (int i = context.layersRun - 1; i >= 0; i--) {
            try {
                layers[i].onComplete(context);
            } catch (RuntimeException e) {
                failures.layerFailed(layers[i], "complete", e);
            }
        }
    }

    private Verdict callLayer(Layer layer, RequestContext context) {
        try {
            Verdict verdict = layer.onRequest(context);
            if (verdict != null) {
                return verdict;
            }
            failures.layerFailed(layer, "request", new IllegalStateException("layer returned null"));
        } catch (RuntimeException e) {
            // Fail closed: a layer that cannot decide denies.
            failures.layerFailed(layer, "request", e);
        }
        return Verdict.reject(LAYER_FAILED);
    }

    private static void finish(RequestContext context, Verdict verdict, Consumer<Verdict> done) {
        context.rejection(verdict.rejection());
        done.accept(verdict);
    }
}
