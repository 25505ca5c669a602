package io.gatewaystack.identity;

import io.gatewaystack.core.Identity;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The identity layer: no valid bearer token, no request. Writes the verified {@link Identity} into the context.
 *
 * <p>Non-blocking on the caller's thread: a token seen before is answered from the verifier's cache synchronously;
 * any other token is verified on the blocking executor (it may need a JWKS fetch) and the chain resumes when that
 * is done.
 */
public final class IdentityLayer implements Layer {

    private static final Verdict MISSING_TOKEN = Verdict.reject(TokenErrors.MISSING);
    private static final Verdict BUSY = Verdict.reject(TokenErrors.VERIFIER_BUSY);

    private final TokenVerifier verifier;
    private final Executor blockingExecutor;

    public IdentityLayer(TokenVerifier verifier, Executor blockingExecutor) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.blockingExecutor = Objects.requireNonNull(blockingExecutor, "blockingExecutor");
    }

    @Override
    public String name() {
        return "identity";
    }

    @Override
    public Verdict onRequest(RequestContext context) {
        BearerToken.Span span = BearerToken.find(context.headers().get("Authorization"));
        if (span == null) {
            return MISSING_TOKEN;
        }
        Identity cached = verifier.cachedIdentity(span);
        if (cached != null) {
            context.identity(cached);
            return Verdict.proceed();
        }
        String token = span.token(); // copied out only when it has to be verified
        CompletableFuture<Verdict> verdict;
        try {
            verdict = CompletableFuture.supplyAsync(() -> verifier.verify(token), blockingExecutor)
                    .thenApply(result -> switch (result) {
                        case VerificationResult.Verified verified -> {
                            context.identity(verified.identity());
                            yield Verdict.proceed();
                        }
                        case VerificationResult.Rejected rejected -> Verdict.reject(rejected.error());
                    });
        } catch (RejectedExecutionException e) {
            // The verification pool is saturated or shut down: fail closed with a retryable answer.
            return BUSY;
        }
        return Verdict.await(verdict);
    }
}
