package io.gatewaystack.limits;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.LimitsDecision;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;
import io.gatewaystack.limits.budget.BudgetOutcome;
import io.gatewaystack.limits.budget.BudgetRule;
import io.gatewaystack.limits.budget.BudgetState;
import io.gatewaystack.limits.budget.Budgets;
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
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The limits layer: request rate limits, per-user concurrency limits, and (with {@link Budgets}) money budgets and
 * token limits.
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
 * <p>Budgets run first: the request's worst case is reserved on every applicable budget and token limit (all or
 * none); a request over one is rejected with 429 {@code budget_exceeded} (money) or {@code rate_limited} (tokens)
 * before any rate slot is taken. Admitted requests get the {@link Budgets#REMAINING_HEADER} header.
 *
 * <p>Completion phase: releases the concurrency slot exactly once, also when a later layer rejected the request, and
 * settles the budget reservation to what the request really used (nothing, when it was refused). Settlement is
 * asynchronous and never delays the response.
 */
public final class LimitsLayer implements Layer {

    /** Attribute holding the {@link LimitsStatus} for the response headers (see {@link RateLimitHeaders}). */
    public static final String STATUS_ATTRIBUTE = "limits.status";
    /** Attribute set to {@link Boolean#TRUE} when the shared store failed and the local fallback counted the request. */
    public static final String DEGRADED_ATTRIBUTE = "limits_degraded";
    /** Attribute holding the layer's own per-request state (the reservation to release). */
    static final String HOLD_ATTRIBUTE = "limits.hold";
    /** Attribute holding this request's budget reservation lines, which the rate decision puts first. */
    private static final String BUDGET_REASONS_ATTRIBUTE = "limits.budget_reasons";
    /**
     * Attribute holding the output tokens this request's budget reservation covers ({@code Long}), set when budgets
     * apply: a proxy that forwards a call without its own output maximum sends this one, so the provider ends the
     * answer where the reservation ends.
     */
    public static final String OUTPUT_ALLOWANCE_ATTRIBUTE = "limits.output_allowance";
    /** Attribute holding the budget standings ({@code List<BudgetState>}) after this request's reservation. */
    public static final String BUDGETS_ATTRIBUTE = "limits.budgets";

    private final LimitsConfig config;
    private final LimitStore store;
    private final LimitKeys keys = new LimitKeys();
    private final RateLimitHeaders headers;
    private final Budgets budgets;

    /** With the IETF {@code RateLimit} headers and the common {@code X-RateLimit-*} ones on every response. */
    public LimitsLayer(LimitsConfig config, LimitStore store) {
        this(config, store, new RateLimitHeaders(true));
    }

    /** @param headers renders the rate-limit headers added to the response (on admissions and on 429s) */
    public LimitsLayer(LimitsConfig config, LimitStore store, RateLimitHeaders headers) {
        this(config, store, headers, null);
    }

    /** @param budgets money budgets and token limits, or null for none */
    public LimitsLayer(LimitsConfig config, LimitStore store, RateLimitHeaders headers, Budgets budgets) {
        this.config = Objects.requireNonNull(config, "config");
        this.store = Objects.requireNonNull(store, "store");
        this.headers = Objects.requireNonNull(headers, "headers");
        this.budgets = budgets;
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
        Budgets.Plan plan = budgets == null ? null : budgets.plan(context);
        if (plan == null) {
            return rates(context, identity, null);
        }
        Hold hold = new Hold();
        context.attributes().put(HOLD_ATTRIBUTE, hold);
        CompletionStage<BudgetOutcome> pending = budgets.reserve(plan);
        if (pending instanceof CompletableFuture<BudgetOutcome> done && done.isDone() && !done.isCompletedExceptionally()) {
            Verdict verdict = decideBudget(context, hold, plan, done.join());
            return verdict.isProceed() ? rates(context, identity, hold) : verdict;
        }
        return Verdict.await(pending.thenCompose(outcome -> {
            Verdict verdict = decideBudget(context, hold, plan, outcome);
            if (!verdict.isProceed()) {
                return CompletableFuture.completedFuture(verdict);
            }
            Verdict next = rates(context, identity, hold);
            return next.isPending() ? next.pending() : CompletableFuture.completedFuture(next);
        }));
    }

    /** Pre-flight of money budgets and token limits: reserve the worst case everywhere, or refuse. */
    private Verdict decideBudget(RequestContext context, Hold hold, Budgets.Plan plan, BudgetOutcome outcome) {
        if (outcome.degraded()) {
            context.attributes().put(DEGRADED_ATTRIBUTE, Boolean.TRUE);
        }
        if (!outcome.states().isEmpty()) {
            context.attributes().put(BUDGETS_ATTRIBUTE, outcome.states());
            context.addResponseHeader(Budgets.REMAINING_HEADER, Budgets.remainingHeader(outcome.states()));
        }
        String currency = budgets.config().currency();
        switch (outcome.verdict()) {
            case ADMITTED -> {
                if (!hold.attach(outcome.hold(), plan.worstCase())) {
                    budgets.cancel(outcome.hold()); // the request already completed while we waited
                }
                context.attributes().put(OUTPUT_ALLOWANCE_ATTRIBUTE, plan.worstCase().outputTokens());
                List<String> reasons = new ArrayList<>(outcome.states().size());
                for (BudgetState state : outcome.states()) {
                    reasons.add(state.rule().name() + ": reserved " + amount(state.rule(), plan.worstCase().of(
                            state.rule().meter()), currency) + ", " + amount(state.rule(), state.remaining(), currency)
                            + " left");
                }
                context.attributes().put(BUDGET_REASONS_ATTRIBUTE, reasons);
                context.limitsDecision(new LimitsDecision(true, reasons, 0));
                return Verdict.proceed();
            }
            case EXCEEDED -> {
                BudgetRule rule = outcome.deniedBy();
                long retryAfter = Math.max(1, RateLimitHeaders.ceilSeconds(outcome.retryAfterMillis()));
                long left = 0;
                for (BudgetState state : outcome.states()) {
                    if (state.rule().name().equals(rule.name())) {
                        left = state.remaining();
                    }
                }
                String description = (rule.meter().isMoney() ? "Budget \"" : "Token limit \"") + rule.name()
                        + "\" exceeded: at most " + amount(rule, rule.cap(), currency) + " per "
                        + rule.period().label() + "; " + amount(rule, left, currency)
                        + " left and this request may use up to "
                        + amount(rule, plan.worstCase().of(rule.meter()), currency) + ".";
                context.limitsDecision(new LimitsDecision(false, List.of(description), retryAfter));
                Map<String, Object> details = new LinkedHashMap<>(4);
                details.put("retry_after", retryAfter);
                details.put("limit", rule.name());
                return Verdict.reject(new GatewayError(
                        rule.meter().isMoney() ? ErrorCode.BUDGET_EXCEEDED : ErrorCode.RATE_LIMITED,
                        description, null, details));
            }
            default -> {
                String description = "The budget store is unavailable; try again shortly.";
                context.limitsDecision(new LimitsDecision(false, List.of(description), 1));
                return Verdict.reject(new GatewayError(ErrorCode.UNAVAILABLE, description, null,
                        Map.of("retry_after", 1L)));
            }
        }
    }

    private static String amount(BudgetRule rule, long value, String currency) {
        return switch (rule.meter()) {
            case COST -> String.format(Locale.ROOT, "%.6f %s", value / 1_000_000.0, currency);
            case INPUT_TOKENS -> value + " input tokens";
            case OUTPUT_TOKENS -> value + " output tokens";
            case TOTAL_TOKENS -> value + " tokens";
        };
    }

    /** Rate limits and the concurrency cap; {@code hold} is the budget path's, or null to make one when needed. */
    private Verdict rates(RequestContext context, Identity identity, Hold existing) {
        LimitRequest request = requestFor(context, identity);
        if (request.isEmpty()) {
            return Verdict.proceed();
        }
        Hold hold = existing;
        if (hold == null) {
            hold = new Hold();
            context.attributes().put(HOLD_ATTRIBUTE, hold);
        }
        Hold held = hold;
        CompletionStage<LimitOutcome> pending = store.reserve(request);
        if (pending instanceof CompletableFuture<LimitOutcome> done && done.isDone() && !done.isCompletedExceptionally()) {
            return decide(context, held, done.join());
        }
        return Verdict.await(pending.thenApply(outcome -> decide(context, held, outcome)));
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
                List<String> reasons = admittedReasons(outcome);
                if (context.attributes().get(BUDGET_REASONS_ATTRIBUTE) instanceof List<?> budgetReasons) {
                    for (int i = budgetReasons.size() - 1; i >= 0; i--) {
                        reasons.addFirst(String.valueOf(budgetReasons.get(i))); // this request's reservations first
                    }
                }
                context.limitsDecision(new LimitsDecision(true, reasons, 0));
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
        Hold.Released released = hold.complete();
        if (released.reservation() != null) {
            store.release(released.reservation());
        }
        if (released.budget() != null) {
            budgets.settle(context, released.budget(), released.worstCase());
        }
    }
}
