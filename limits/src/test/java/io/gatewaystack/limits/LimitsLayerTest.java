package io.gatewaystack.limits;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.Pipeline;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.core.Verdict;
import io.gatewaystack.limits.store.FailoverLimitStore;
import io.gatewaystack.limits.store.LimitOutcome;
import io.gatewaystack.limits.store.LimitRequest;
import io.gatewaystack.limits.store.LimitStore;
import io.gatewaystack.limits.store.MemoryLimitStore;
import io.gatewaystack.limits.store.RedisLimitStore;
import io.gatewaystack.limits.store.RedisSupport;
import io.gatewaystack.limits.store.Reservation;
import io.gatewaystack.limits.store.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class LimitsLayerTest {

    private static final RateLimitRule TWO_PER_MINUTE = RateLimitRule.perUser("per-user", 2, Duration.ofMinutes(1));

    private final TestClock clock = new TestClock(1_000_000);
    private final MemoryLimitStore memory = new MemoryLimitStore(clock);
    private int requests;

    private RequestContext request(String user, String org) {
        RequestContext context = RequestContext.builder().requestId("req-" + ++requests).method("POST")
                .path("/tools/mcp").routeName("mcp").build();
        if (user != null) {
            context.identity(new Identity(user, "https://idp", org, null, List.of(), List.of(), null, null, null,
                    "client-1", null, Map.of()));
        }
        return context;
    }

    @Test
    void requestsWithoutIdentityAreNotLimitedHere() {
        LimitsLayer layer = new LimitsLayer(LimitsConfig.of(List.of(TWO_PER_MINUTE)), memory);
        for (int i = 0; i < 5; i++) {
            RequestContext anonymous = request(null, null);
            assertThat(layer.onRequest(anonymous).isProceed()).isTrue();
            assertThat(anonymous.limitsDecision()).isNull();
        }
        assertThat(memory.size()).isZero();
    }

    @Test
    void admitsThenRejectsWithRetryAfterAndTheRuleName() {
        LimitsLayer layer = new LimitsLayer(LimitsConfig.of(List.of(TWO_PER_MINUTE)), memory);
        RequestContext first = request("alice", null);
        assertThat(layer.onRequest(first).isProceed()).isTrue();
        assertThat(first.limitsDecision().allowed()).isTrue();
        assertThat(first.limitsDecision().reasons()).containsExactly("per-user: 1 of 2 left");
        LimitsStatus status = (LimitsStatus) first.attributes().get(LimitsLayer.STATUS_ATTRIBUTE);
        assertThat(status.rates()).hasSize(1);
        assertThat(new RateLimitHeaders(true).render(status)).containsEntry("RateLimit", "\"per-user\";r=1;t=60");

        assertThat(layer.onRequest(request("alice", null)).isProceed()).isTrue();
        clock.advance(30_500);
        RequestContext third = request("alice", null);
        Verdict denied = layer.onRequest(third);
        assertThat(denied.isRejected()).isTrue();
        GatewayError error = denied.rejection();
        assertThat(error.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(error.status()).isEqualTo(429);
        assertThat(error.details()).containsEntry("retry_after", 30L).containsEntry("limit", "per-user");
        assertThat(error.description()).isEqualTo("Rate limit \"per-user\" exceeded: at most 2 requests per 60 s.");
        assertThat(third.limitsDecision().allowed()).isFalse();
        assertThat(third.limitsDecision().retryAfterSeconds()).isEqualTo(30);

        assertThat(layer.onRequest(request("bob", null)).isProceed()).isTrue(); // keyed per user
    }

    @Test
    void aRuleAppliesOnlyWhenTheRequestHasEveryKeyPart() {
        RateLimitRule perOrgModel = new RateLimitRule("org-model", List.of(KeyPart.ORG, KeyPart.RESOURCE), 1,
                Duration.ofMinutes(1));
        LimitsLayer layer = new LimitsLayer(LimitsConfig.of(List.of(perOrgModel)), memory);
        // No org: the rule does not apply, the user is not lumped into a shared bucket.
        for (int i = 0; i < 3; i++) {
            assertThat(layer.onRequest(request("loner", null)).isProceed()).isTrue();
        }
        RequestContext gpt = request("alice", "acme");
        gpt.resource(new ResourceRequest(ResourceRequest.Kind.MODEL, "gpt-4o"));
        assertThat(layer.onRequest(gpt).isProceed()).isTrue();
        RequestContext gptAgain = request("bob", "acme");
        gptAgain.resource(new ResourceRequest(ResourceRequest.Kind.MODEL, "gpt-4o"));
        assertThat(layer.onRequest(gptAgain).isRejected()).isTrue(); // same org, same model
        RequestContext otherModel = request("bob", "acme");
        otherModel.resource(new ResourceRequest(ResourceRequest.Kind.MODEL, "claude"));
        assertThat(layer.onRequest(otherModel).isProceed()).isTrue();
    }

    @Test
    void concurrencySlotIsReleasedOnCompleteAlsoWhenALaterLayerRejected() {
        LimitsConfig config = LimitsConfig.of(List.of()).withConcurrencyPerUser(1, Duration.ofMinutes(1));
        LimitsLayer layer = new LimitsLayer(config, memory);
        Layer rejectAll = new Layer() {
            public String name() { return "deny"; }
            public Verdict onRequest(RequestContext c) { return Verdict.reject(ErrorCode.POLICY_DENIED, "no"); }
        };
        Pipeline pipeline = new Pipeline(List.of(layer, rejectAll), (l, phase, e) -> { throw new AssertionError(e); });

        RequestContext first = request("alice", null);
        List<Verdict> verdicts = new ArrayList<>();
        pipeline.run(first, verdicts::add);
        assertThat(verdicts.getFirst().rejection().code()).isEqualTo(ErrorCode.POLICY_DENIED);
        assertThat(memory.inFlight("concurrency|u=alice")).isEqualTo(1);

        // While the first is in flight a second is refused.
        RequestContext second = request("alice", null);
        Verdict busy = layer.onRequest(second);
        assertThat(busy.rejection().code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(busy.rejection().details()).containsEntry("limit", "concurrency").containsEntry("retry_after", 1L);

        first.complete(403, "policy_denied");
        pipeline.complete(first);
        assertThat(memory.inFlight("concurrency|u=alice")).isZero();
        layer.onComplete(second); // a denied request holds nothing
        layer.onComplete(first); // a second completion releases nothing more
        assertThat(memory.inFlight("concurrency|u=alice")).isZero();
        assertThat(layer.onRequest(request("alice", null)).isProceed()).isTrue();
    }

    @Test
    void aReservationArrivingAfterCompletionIsReleasedAtOnce() {
        CompletableFuture<LimitOutcome> answer = new CompletableFuture<>();
        AtomicInteger releases = new AtomicInteger();
        LimitStore slow = new LimitStore() {
            public CompletionStage<LimitOutcome> reserve(LimitRequest r) { return answer; }
            public CompletionStage<Void> release(Reservation r) {
                releases.incrementAndGet();
                return CompletableFuture.completedFuture(null);
            }
            public void close() {}
        };
        LimitsLayer layer = new LimitsLayer(
                LimitsConfig.of(List.of()).withConcurrencyPerUser(1, Duration.ofMinutes(1)), slow);
        RequestContext context = request("alice", null);
        Verdict pending = layer.onRequest(context);
        assertThat(pending.isPending()).isTrue();
        layer.onComplete(context); // the client went away before the store answered
        assertThat(releases).hasValue(0);
        answer.complete(new LimitOutcome(LimitOutcome.Verdict.ADMITTED, null, 0, List.of(),
                new Reservation("concurrency|u=alice", context.requestId(), false), false));
        assertThat(releases).hasValue(1);
    }

    @Test
    void anUnavailableStoreUnderFailClosedAnswers503() {
        LimitStore down = new LimitStore() {
            public CompletionStage<LimitOutcome> reserve(LimitRequest r) {
                return CompletableFuture.completedFuture(LimitOutcome.unavailable());
            }
            public CompletionStage<Void> release(Reservation r) { return CompletableFuture.completedFuture(null); }
            public void close() {}
        };
        LimitsLayer layer = new LimitsLayer(LimitsConfig.of(List.of(TWO_PER_MINUTE)), down);
        Verdict verdict = layer.onRequest(request("alice", null));
        assertThat(verdict.rejection().code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(verdict.rejection().status()).isEqualTo(503);
        assertThat(verdict.rejection().details()).containsEntry("retry_after", 1L);
    }

    @Test
    void onRedisTheLayerAwaitsTheReplyAndReleasesOnComplete() throws Exception {
        try (RedisSupport redis = RedisSupport.shared();
             LimitStore store = new FailoverLimitStore(
                     new RedisLimitStore(redis.url(), redis.prefix, Duration.ofSeconds(1)),
                     new MemoryLimitStore(clock), FailureMode.FAIL_CLOSED)) {
            LimitsConfig config = LimitsConfig.of(List.of(TWO_PER_MINUTE)).withConcurrencyPerUser(5, Duration.ofMinutes(1));
            LimitsLayer layer = new LimitsLayer(config, store);
            RequestContext context = request("alice", null);
            Verdict verdict = layer.onRequest(context);
            assertThat(verdict.isPending()).isTrue();
            assertThat(verdict.pending().toCompletableFuture().get(5, TimeUnit.SECONDS).isProceed()).isTrue();
            assertThat(context.attributes()).doesNotContainKey(LimitsLayer.DEGRADED_ATTRIBUTE);
            String slots = redis.prefix + "cc:{concurrency|u=alice}";
            assertThat(redis.admin().sync().zcard(slots)).isEqualTo(1);
            layer.onComplete(context);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (redis.admin().sync().zcard(slots) != 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(redis.admin().sync().zcard(slots)).isZero();
        }
    }

    @Test
    void failOpenMarksTheRequestDegraded() throws Exception {
        try (LimitStore store = new FailoverLimitStore(
                new RedisLimitStore("redis://127.0.0.1:1", "gs:test:", Duration.ofMillis(200)),
                new MemoryLimitStore(clock), FailureMode.FAIL_OPEN)) {
            LimitsLayer layer = new LimitsLayer(LimitsConfig.of(List.of(TWO_PER_MINUTE)), store);
            RequestContext context = request("alice", null);
            Verdict verdict = layer.onRequest(context);
            Verdict resolved = verdict.isPending() ? verdict.pending().toCompletableFuture().get(5, TimeUnit.SECONDS) : verdict;
            assertThat(resolved.isProceed()).isTrue();
            assertThat(context.attributes()).containsEntry(LimitsLayer.DEGRADED_ATTRIBUTE, Boolean.TRUE);
        }
    }
}
