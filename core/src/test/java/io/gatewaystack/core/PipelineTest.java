package io.gatewaystack.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PipelineTest {

    private final List<String> events = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();

    private Layer layer(String name, java.util.function.Function<RequestContext, Verdict> onRequest) {
        return new Layer() {
            @Override public String name() { return name; }
            @Override public Verdict onRequest(RequestContext c) { events.add("request:" + name); return onRequest.apply(c); }
            @Override public void onComplete(RequestContext c) { events.add("complete:" + name); }
        };
    }

    private Pipeline pipeline(Layer... layers) {
        return new Pipeline(List.of(layers), (layer, phase, error) -> failures.add(error));
    }

    private static RequestContext context() {
        return RequestContext.builder().requestId("r1").method("GET").path("/x").build();
    }

    @Test
    void allLayersProceedInOrderAndCompleteInReverse() {
        Pipeline p = pipeline(layer("a", c -> Verdict.proceed()), layer("b", c -> Verdict.proceed()));
        RequestContext ctx = context();
        AtomicReference<Verdict> result = new AtomicReference<>();
        p.run(ctx, result::set);
        p.complete(ctx);
        assertThat(result.get().isProceed()).isTrue();
        assertThat(events).containsExactly("request:a", "request:b", "complete:b", "complete:a");
        assertThat(ctx.rejection()).isNull();
    }

    @Test
    void aRejectionStopsTheChainAndOnlyLayersThatRanComplete() {
        Pipeline p = pipeline(layer("a", c -> Verdict.reject(ErrorCode.MISSING_TOKEN, "no token")),
                layer("b", c -> Verdict.proceed()));
        RequestContext ctx = context();
        AtomicReference<Verdict> result = new AtomicReference<>();
        p.run(ctx, result::set);
        p.complete(ctx);
        assertThat(result.get().rejection().code()).isEqualTo(ErrorCode.MISSING_TOKEN);
        assertThat(ctx.rejection().description()).isEqualTo("no token");
        assertThat(events).containsExactly("request:a", "complete:a");
    }

    @Test
    void anAwaitedLayerResumesTheChainWhenItsStageCompletes() {
        CompletableFuture<Verdict> slow = new CompletableFuture<>();
        Pipeline p = pipeline(layer("a", c -> Verdict.await(slow)), layer("b", c -> Verdict.proceed()));
        RequestContext ctx = context();
        AtomicReference<Verdict> result = new AtomicReference<>();
        p.run(ctx, result::set);
        assertThat(result.get()).isNull();
        assertThat(events).containsExactly("request:a");
        slow.complete(Verdict.proceed());
        assertThat(result.get().isProceed()).isTrue();
        assertThat(events).containsExactly("request:a", "request:b");
    }

    @Test
    void aLayerThatThrowsOrFailsItsStageDeniesWithInternalError() {
        Pipeline throwing = pipeline(layer("a", c -> { throw new IllegalStateException("bug"); }),
                layer("b", c -> Verdict.proceed()));
        AtomicReference<Verdict> result = new AtomicReference<>();
        throwing.run(context(), result::set);
        assertThat(result.get().rejection().code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(result.get().rejection().description()).doesNotContain("bug");
        assertThat(failures).hasSize(1);

        Pipeline failing = pipeline(layer("c", c -> Verdict.await(CompletableFuture.failedFuture(new RuntimeException("io")))));
        failing.run(context(), result::set);
        assertThat(result.get().rejection().code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(failures).hasSize(2);
    }

    @Test
    void aFailingCompletionDoesNotStopTheOthers() {
        Layer bad = new Layer() {
            @Override public String name() { return "bad"; }
            @Override public Verdict onRequest(RequestContext c) { return Verdict.proceed(); }
            @Override public void onComplete(RequestContext c) { throw new IllegalStateException("boom"); }
        };
        Pipeline p = pipeline(layer("a", c -> Verdict.proceed()), bad);
        RequestContext ctx = context();
        p.run(ctx, v -> { });
        p.complete(ctx);
        assertThat(events).containsExactly("request:a", "complete:a");
        assertThat(failures).extracting(Throwable::getMessage).containsExactly("boom");
    }
}
