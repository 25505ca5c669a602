package io.gatewaystack.limits;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.LimitsDecision;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;
import io.gatewaystack.limits.store.ConcurrencyCheck;
import io.gatewaystack.limits.store.LimitOutcome;
import io.gatewaystack.limits.store.LimitRequest;
import io.gatewaystack.limits.store.LimitStore;
import io.gatewaystack.limits.store.RateCheck;
import io.gatewaystack.limits.store.RateState;
import io.gatewaystack.limits.store.Reservation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The limits layer: request rate limits and per-user concurrency limits.
 *
 * <p>Runs after identity. A request without a verified identity is not limited here: on protected routes identity
 * has already rejected it, and open routes (health, discovery) are not the limits layer's business.
 *
 * <p>Request phase: builds one {@link LimitRequest} from the configured rules (a rule applies when the request has
 * every key part it names) and the concurrency cap, and asks the store to check and charge it all at once. Admitted
 * requests proceed with a {@link LimitsStatus} in {@link #STATUS_ATTRIBUTE}; denied ones are rejected with 429
 * {@code rate_limited} (details {@code retry_after} in whole seconds, at least 1, and {@code limit}, the rule name);
 * either way the rate-limit headers ({@link RateLimitHeaders}) are added to the response through the context;
 * when the store is unavailable under fail-closed, 503 {@code unavailable}. Under fail-open the request is counted
 * locally and {@link #DEGRADED_ATTRIBUTE} is set. With the in-memory store the answer is synchronous; with Redis it is
 * a {@link Verdict#await} on the Redis reply, never a blocked thread.
 *
 * <p>Completion phase: releases the concurrency slot exactly once, also when a later layer rejected the request.
 */
public final class LimitsLayer implements Layer {

    /** Attribute holding the {@link LimitsStatus} for the response headers (see {@link RateLimitHeaders}). */
    public static final String STATUS_ATTRIBUTE = "limits.status";
    /** Attribute set to {@link Boolean#TRUE} when the shared store failed and the local fallback counted the request. */
    public static final String DEGRADED_ATTRIBUTE = "limits_degraded";
    /** Attribute holding the layer's own per-request state (the reservation to release). */
    static final String HOLD_ATTRIBUTE = "limits.hold";

    private final LimitsConfig config;
    private final LimitStore store;
    private final LimitKeys keys = new LimitKeys();
    private final RateLimitHeaders headers;

    /** With the IETF {@code RateLimit} headers and the common {@code X-RateLimit-*} ones on every response. */
    public LimitsLayer(LimitsConfig config, LimitStore store) {
        this(config, store, new RateLimitHeaders(true));
    }

    /** @param headers renders the rate-limit headers added to the response (on admissions and on 429s) */
    public LimitsLayer(LimitsConfig config, LimitStore store, RateLimitHeaders headers) {
        this.config = Objects.requireNonNull(config, "config");
        this.store = Objects.requireNonNull(store, "store");
        this.headers = Objects.requireNonNull(headers, "headers");
    }

    @Override
    public String name() {
        return "limits";
    }

    @Override
    public Verdict onRequest(RequestContext context) {
        Identity identity = context.identity();
        if (identity == null) {
            return Verdict.proceed();
        }
        LimitRequest request = requestFor(context, identity);
        if (request.isEmpty()) {
            return Verdict.proceed();
        }
        Hold hold = new Hold();
        context.attributes().put(HOLD_ATTRIBUTE, hold);
        CompletionStage<LimitOutcome> pending = store.reserve(request);
        if (pending instanceof CompletableFuture<LimitOutcome> done && done.isDone() && !done.isCompletedExceptionally()) {
            return decide(context, hold, done.join());
        }
        return Verdict.await(pending.thenApply(outcome -> decide(context, hold, outcome)));
    }

    private LimitRequest requestFor(RequestContext context, Identity identity) {
        List<RateCheck> checks = new ArrayList<>(config.rules().size());
        for (RateLimitRule rule : config.rules()) {
            String key = keys.rateKey(rule, context);
            if (key != null) {
                checks.add(new RateCheck(rule, key));
            }
        }
        ConcurrencyCheck concurrency = config.maxConcurrentPerUser() == 0 ? null
                : new ConcurrencyCheck(keys.concurrencyKey(identity), config.maxConcurrentPerUser(),
                        config.concurrencyLeaseTtl());
        return new LimitRequest(context.requestId(), checks, concurrency);
    }

    private Verdict decide(RequestContext context, Hold hold, LimitOutcome outcome) {
        if (outcome.degraded()) {
            context.attributes().put(DEGRADED_ATTRIBUTE, Boolean.TRUE);
        }
        if (!outcome.rates().isEmpty()) {
            LimitsStatus status = new LimitsStatus(outcome.rates());
            context.attributes().put(STATUS_ATTRIBUTE, status);
            headers.render(status).forEach(context::addResponseHeader);
        }
        switch (outcome.verdict()) {
            case ADMITTED -> {
                Reservation reservation = outcome.reservation();
                if (reservation != null && !hold.attach(reservation)) {
                    store.release(reservation); // the request already completed while we waited for the store
                }
                context.limitsDecision(new LimitsDecision(true, admittedReasons(outcome), 0));
                return Verdict.proceed();
            }
            case RATE_LIMITED, CONCURRENCY_LIMITED -> {
                long retryAfter = Math.max(1, RateLimitHeaders.ceilSeconds(outcome.retryAfterMillis()));
                String description = deniedDescription(outcome);
                context.limitsDecision(new LimitsDecision(false, List.of(description), retryAfter));
                Map<String, Object> details = new LinkedHashMap<>(4);
                details.put("retry_after", retryAfter);
                details.put("limit", outcome.deniedBy());
                return Verdict.reject(new GatewayError(ErrorCode.RATE_LIMITED, description, null, details));
            }
            default -> {
                String description = "The rate limit store is unavailable; try again shortly.";
                context.limitsDecision(new LimitsDecision(false, List.of(description), 1));
                return Verdict.reject(new GatewayError(ErrorCode.UNAVAILABLE, description, null,
                        Map.of("retry_after", 1L)));
            }
        }
    }

    private static List<String> admittedReasons(LimitOutcome outcome) {
        List<String> reasons = new ArrayList<>(outcome.rates().size());
        for (RateState state : outcome.rates()) {
            reasons.add(state.rule().name() + ": " + state.remaining() + " of " + state.rule().max() + " left");
        }
        return reasons;
    }

    private String deniedDescription(LimitOutcome outcome) {
        if (outcome.verdict() == LimitOutcome.Verdict.CONCURRENCY_LIMITED) {
            return "Too many requests in flight for this user (at most " + config.maxConcurrentPerUser() + " at once).";
        }
        for (RateState state : outcome.rates()) {
            if (state.rule().name().equals(outcome.deniedBy())) {
                return "Rate limit \"" + state.rule().name() + "\" exceeded: at most " + state.rule().max()
                        + " requests per " + describe(state.rule().windowMillis()) + ".";
            }
        }
        return "Rate limit \"" + outcome.deniedBy() + "\" exceeded.";
    }

    private static String describe(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    @Override
    public void onComplete(RequestContext context) {
        if (!(context.attributes().get(HOLD_ATTRIBUTE) instanceof Hold hold)) {
            return;
        }
        Reservation reservation = hold.complete();
        if (reservation != null) {
            store.release(reservation);
        }
    }
}
