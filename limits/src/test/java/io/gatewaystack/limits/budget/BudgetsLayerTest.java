package io.gatewaystack.limits.budget;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Usage;
import io.gatewaystack.core.Verdict;
import io.gatewaystack.limits.KeyPart;
import io.gatewaystack.limits.LimitsConfig;
import io.gatewaystack.limits.LimitsLayer;
import io.gatewaystack.limits.RateLimitHeaders;
import io.gatewaystack.limits.RateLimitRule;
import io.gatewaystack.limits.store.MemoryLimitStore;
import io.gatewaystack.limits.store.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Budgets through the limits layer: pre-flight, the 429s, the headroom header, settlement, hierarchy, periods. */
class BudgetsLayerTest {

    private static final BudgetRule USER_DAY = BudgetRule.money("user-day", List.of(KeyPart.USER), 1.00,
            BudgetPeriod.DAY);
    private static final BudgetRule ORG_MONTH = BudgetRule.money("org-month", List.of(KeyPart.ORG), 1.50,
            BudgetPeriod.MONTH);
    private static final BudgetRule TOKENS = new BudgetRule("user-tokens", List.of(KeyPart.USER), Meter.TOTAL_TOKENS,
            10_000, BudgetPeriod.MINUTE);

    /** Every metered request may cost up to 0.40 USD and 3,000 tokens. */
    private static final UsageEstimator FORTY_CENTS = ctx -> ctx.routeName().equals("llm")
            ? new Amounts(1_000, 2_000, 400_000) : null;

    private final TestClock clock = new TestClock(Instant.parse("2026-11-30T23:59:00Z").toEpochMilli());
    private final MemoryBudgetStore store = new MemoryBudgetStore(clock);
    private int requests;

    private LimitsLayer layer(BudgetRule... rules) {
        Budgets budgets = new Budgets(BudgetsConfig.of(List.of(rules)), store, FORTY_CENTS, clock);
        return new LimitsLayer(LimitsConfig.of(List.of()), new MemoryLimitStore(clock), new RateLimitHeaders(true),
                budgets);
    }

    private RequestContext request(String user, String org, String route) {
        RequestContext context = RequestContext.builder().requestId("req-" + ++requests).method("POST")
                .path("/v1/chat/completions").routeName(route).build();
        context.identity(new Identity(user, "https://idp", org, null, List.of(), List.of(), null, null, null,
                "client-1", null, Map.of()));
        return context;
    }

    /** Runs a request to completion: admitted, answered 200 with {@code usage}, completed. */
    private Verdict call(LimitsLayer layer, RequestContext context, Usage usage) {
        Verdict verdict = layer.onRequest(context);
        if (verdict.isProceed()) {
            context.usage(usage);
            context.complete(200, null);
        } else {
            context.rejection(verdict.rejection());
            context.complete(verdict.rejection().status(), verdict.rejection().code().code());
        }
        layer.onComplete(context);
        return verdict;
    }

    private static String header(RequestContext context, String name) {
        return context.responseHeaders().stream().filter(h -> h.name().equals(name)).map(h -> h.value())
                .findFirst().orElse(null);
    }

    @Test
    void reservesTheWorstCaseAndSettlesToTheRealCost() {
        LimitsLayer layer = layer(USER_DAY);
        RequestContext first = request("alice", null, "llm");
        assertThat(layer.onRequest(first).isProceed()).isTrue();
        assertThat(header(first, Budgets.REMAINING_HEADER)).isEqualTo("user-day=0.600000");
        assertThat(first.limitsDecision().reasons()).containsExactly(
                "user-day: reserved 0.400000 USD, 0.600000 USD left");
        first.usage(new Usage(100, 50, 30_000));
        first.complete(200, null);
        layer.onComplete(first);

        // Settled to 0.03 USD: 0.97 left, so two more worst cases fit and a third does not.
        assertThat(call(layer, request("alice", null, "llm"), new Usage(1, 1, 400_000)).isProceed()).isTrue();
        assertThat(call(layer, request("alice", null, "llm"), new Usage(1, 1, 400_000)).isProceed()).isTrue();
        RequestContext over = request("alice", null, "llm");
        Verdict denied = call(layer, over, null);
        assertThat(denied.isRejected()).isTrue();
        GatewayError error = denied.rejection();
        assertThat(error.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
        assertThat(error.description()).isEqualTo("Budget \"user-day\" exceeded: at most 1.000000 USD per day; "
                + "0.170000 USD left and this request may use up to 0.400000 USD.");
        // Retry-After is the time to the day's end: 60 s from 23:59:00.
        assertThat(error.details()).containsEntry("retry_after", 60L).containsEntry("limit", "user-day");
        assertThat(over.limitsDecision().allowed()).isFalse();
    }

    @Test
    void unmeteredRequestsPassEvenWithTheBudgetSpent() {
        LimitsLayer layer = layer(USER_DAY);
        call(layer, request("alice", null, "llm"), new Usage(1, 1, 1_000_000));
        assertThat(call(layer, request("alice", null, "llm"), null).isRejected()).isTrue();
        RequestContext free = request("alice", null, "protected");
        assertThat(call(layer, free, null).isProceed()).isTrue();
        assertThat(header(free, Budgets.REMAINING_HEADER)).isNull();
    }

    @Test
    void aUsersSpendAlsoCountsAgainstTheirOrg() {
        LimitsLayer layer = layer(USER_DAY, ORG_MONTH);
        call(layer, request("alice", "acme", "llm"), new Usage(1, 1, 900_000));
        RequestContext bob = request("bob", "acme", "llm");
        assertThat(layer.onRequest(bob).isProceed()).isTrue();
        assertThat(header(bob, Budgets.REMAINING_HEADER)).isEqualTo("user-day=0.600000, org-month=0.200000");
        bob.complete(200, null);
        bob.usage(new Usage(1, 1, 400_000));
        layer.onComplete(bob);
        // The org has 0.20 left: carol's own day budget is untouched, but the org's stops her.
        Verdict carol = call(layer, request("carol", "acme", "llm"), null);
        assertThat(carol.isRejected()).isTrue();
        assertThat(carol.rejection().details()).containsEntry("limit", "org-month");
        // A user of another org is not affected.
        assertThat(call(layer, request("dave", "globex", "llm"), null).isProceed()).isTrue();
    }

    @Test
    void aNewPeriodStartsFromZero() {
        LimitsLayer layer = layer(USER_DAY);
        call(layer, request("alice", null, "llm"), new Usage(1, 1, 1_000_000));
        assertThat(call(layer, request("alice", null, "llm"), null).isRejected()).isTrue();
        clock.advance(60_000); // midnight UTC
        assertThat(call(layer, request("alice", null, "llm"), null).isProceed()).isTrue();
    }

    @Test
    void tokenLimitsAnswerRateLimited() {
        LimitsLayer layer = layer(TOKENS);
        for (int i = 0; i < 3; i++) {
            assertThat(call(layer, request("alice", null, "llm"), new Usage(1_000, 2_000, 0)).isProceed()).isTrue();
        }
        Verdict denied = call(layer, request("alice", null, "llm"), null);
        assertThat(denied.rejection().code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(denied.rejection().description()).startsWith("Token limit \"user-tokens\" exceeded: at most "
                + "10000 tokens per minute; 1000 tokens left");
    }

    @Test
    void aRefusedOrFailedRequestIsChargedNothingAndAStreamCutWithoutUsageIsChargedInFull() {
        LimitsLayer layer = layer(USER_DAY);
        RequestContext failed = request("alice", null, "llm");
        assertThat(layer.onRequest(failed).isProceed()).isTrue();
        failed.failure(GatewayError.of(ErrorCode.UPSTREAM_ERROR, "down"));
        failed.complete(502, "upstream_error");
        layer.onComplete(failed);

        RequestContext cut = request("alice", null, "llm");
        assertThat(layer.onRequest(cut).isProceed()).isTrue();
        cut.complete(200, null); // answered, but the provider's usage never arrived
        layer.onComplete(cut);

        BudgetState state = store.read(List.of(new BudgetCheck(USER_DAY,
                "user-day|u=alice|p=" + BudgetPeriod.DAY.start(clock.millis()), 0, 0)))
                .toCompletableFuture().join().get(0);
        assertThat(state.spent()).isEqualTo(400_000);
        assertThat(state.reserved()).isZero();
    }

    @Test
    void rateLimitsStillApplyAfterBudgetsAndARateDenialGivesTheReservationBack() {
        Budgets budgets = new Budgets(BudgetsConfig.of(List.of(USER_DAY)), store, FORTY_CENTS, clock);
        LimitsLayer layer = new LimitsLayer(
                LimitsConfig.of(List.of(RateLimitRule.perUser("per-user", 1, Duration.ofMinutes(1)))),
                new MemoryLimitStore(clock), new RateLimitHeaders(true), budgets);
        assertThat(call(layer, request("alice", null, "llm"), new Usage(1, 1, 100_000)).isProceed()).isTrue();
        Verdict limited = call(layer, request("alice", null, "llm"), null);
        assertThat(limited.rejection().code()).isEqualTo(ErrorCode.RATE_LIMITED);
        BudgetState state = budgets.standing(request("alice", null, "llm").identity()).toCompletableFuture().join()
                .get(0);
        assertThat(state.spent()).isEqualTo(100_000);
        assertThat(state.reserved()).isZero();
    }

    @Test
    void aStopCanWaitForEveryHoldToBeSettled() {
        Budgets budgets = new Budgets(BudgetsConfig.of(List.of(USER_DAY)), store, FORTY_CENTS, clock);
        LimitsLayer layer = new LimitsLayer(LimitsConfig.of(List.of()), new MemoryLimitStore(clock),
                new RateLimitHeaders(true), budgets);
        RequestContext inFlight = request("ivy", null, "llm");
        assertThat(layer.onRequest(inFlight).isProceed()).isTrue();
        assertThat(budgets.unsettled()).isEqualTo(1);
        assertThat(budgets.awaitSettled(Duration.ofMillis(20))).as("still in flight").isFalse();
        inFlight.usage(new Usage(1, 1, 10_000));
        inFlight.complete(200, null);
        layer.onComplete(inFlight);
        assertThat(budgets.awaitSettled(Duration.ofSeconds(1))).isTrue();
        assertThat(budgets.unsettled()).isZero();
        // A refused request holds nothing.
        for (int i = 0; i < 3; i++) {
            call(layer, request("ivy", null, "llm"), new Usage(1, 1, 400_000));
        }
        assertThat(call(layer, request("ivy", null, "llm"), null).isRejected()).isTrue();
        assertThat(budgets.unsettled()).isZero();
    }
}
