package io.gatewaystack.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ReadBodyTest {

    private static Verdict run(ReadBody layer, String contentType, CompletableFuture<byte[]> bytes, RequestContext[] out) {
        RequestContext ctx = RequestContext.builder().requestId("r").method("POST").path("/x")
                .headers(name -> name.equals("Content-Type") ? contentType : null).build();
        ctx.bodySource(max -> bytes);
        out[0] = ctx;
        AtomicReference<Verdict> result = new AtomicReference<>();
        new Pipeline(java.util.List.of(layer), (l, p, e) -> { }).run(ctx, result::set);
        return result.get();
    }

    @Test
    void parsesJsonBodiesIntoTheContext() {
        RequestContext[] ctx = new RequestContext[1];
        Verdict v = run(new ReadBody(1000, false), "application/json",
                CompletableFuture.completedFuture("{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8)), ctx);
        assertThat(v.isProceed()).isTrue();
        assertThat(ctx[0].body().json().get("model").asString()).isEqualTo("m");
    }

    @Test
    void keepsNonJsonBodiesRawUnlessJsonIsRequired() {
        RequestContext[] ctx = new RequestContext[1];
        byte[] text = "hello".getBytes(StandardCharsets.UTF_8);
        assertThat(run(new ReadBody(1000, false), "text/plain", CompletableFuture.completedFuture(text), ctx).isProceed()).isTrue();
        assertThat(ctx[0].body().json()).isNull();
        assertThat(ctx[0].body().raw()).isEqualTo(text);
        Verdict strict = run(new ReadBody(1000, true), "text/plain", CompletableFuture.completedFuture(text), ctx);
        assertThat(strict.rejection().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        Verdict badJson = run(new ReadBody(1000, false), "application/json", CompletableFuture.completedFuture(text), ctx);
        assertThat(badJson.rejection().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void aBodyOverTheLimitIs413() {
        RequestContext[] ctx = new RequestContext[1];
        Verdict v = run(new ReadBody(10, false), "application/json", CompletableFuture.failedFuture(new BodySource.TooLarge()), ctx);
        assertThat(v.rejection().code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
        assertThat(v.rejection().details()).containsEntry("max_bytes", 10L);
    }
}
