package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Many slow streams at once must not cost memory in proportion to what they relay: the gateway passes SSE through
 * as it arrives and never buffers an answer. A local slow upstream sends each stream a burst of 256 KiB of
 * content and then holds it open; with every stream open and its burst relayed to the client, the heap after a
 * full GC is compared with the heap before and after (the suite's bounded variant of bench/streams.sh, which does
 * 1,000). The heap here also holds the test client's and the upstream's side of every connection.
 */
class SlowStreamsMemoryTest {

    static final int STREAMS = 100;
    static final int BURST_CHUNKS = 64;
    static final int CHUNK_CHARS = 4096;

    @Test
    void openStreamsCostAFewKilobytesEachNotTheirAnswers() throws Exception {
        Vertx vertx = Vertx.vertx();
        TestIssuer issuer = new TestIssuer();
        Promise<Void> release = Promise.promise();
        HttpServer upstream = slowUpstream(vertx, release);
        TestGateway gateway = TestGateway.start(vertx, TestGateway.yaml(issuer, null, """
                llm:
                  providers:
                    slow: {kind: openai, base_url: "http://127.0.0.1:%d/v1", allow_private: true, timeout_ms: 60000,
                           auth: {mode: api_key, env: K}}
                  models:
                    slow: {targets: [slow/slow]}
                """.formatted(upstream.actualPort())), Map.of("K", "k"));
        HttpClient client = vertx.httpClientBuilder()
                .with(new HttpClientOptions().setIdleTimeout(60))
                .with(new PoolOptions().setHttp1MaxSize(STREAMS)).build();
        try {
            String token = "Bearer " + issuer.token("streamer", Map.of());
            String body = "{\"model\":\"slow\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}";
            long burstBytes = (long) BURST_CHUNKS * CHUNK_CHARS;
            CountDownLatch burstRelayed = new CountDownLatch(STREAMS);
            CountDownLatch ended = new CountDownLatch(STREAMS);
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            AtomicInteger completeStreams = new AtomicInteger();

            long before = heapAfterGc();
            long started = System.nanoTime();
            for (int i = 0; i < STREAMS; i++) {
                vertx.runOnContext(v -> client.request(new RequestOptions().setMethod(HttpMethod.POST)
                                .setAbsoluteURI(gateway.url("/v1/chat/completions"))
                                .putHeader("Authorization", token).putHeader("Content-Type", "application/json"))
                        .compose(req -> req.send(Buffer.buffer(body)))
                        .onFailure(e -> {
                            problems.add(e.toString());
                            burstRelayed.countDown();
                            ended.countDown();
                        })
                        .onSuccess(resp -> {
                            long[] received = {0};
                            boolean[] counted = {false};
                            byte[] tail = new byte[32];
                            resp.handler(chunk -> { // counts bytes, keeps only the last few: the client buffers nothing
                                received[0] += chunk.length();
                                byte[] bytes = chunk.getBytes();
                                int n = Math.min(tail.length, bytes.length);
                                System.arraycopy(tail, n, tail, 0, tail.length - n);
                                System.arraycopy(bytes, bytes.length - n, tail, tail.length - n, n);
                                if (!counted[0] && received[0] >= burstBytes) {
                                    counted[0] = true;
                                    burstRelayed.countDown();
                                }
                            });
                            resp.endHandler(end -> {
                                if (new String(tail, StandardCharsets.UTF_8).contains("[DONE]") && resp.statusCode() == 200) {
                                    completeStreams.incrementAndGet();
                                } else {
                                    problems.add("status " + resp.statusCode() + ", tail " + new String(tail, StandardCharsets.UTF_8));
                                }
                                if (!counted[0]) {
                                    burstRelayed.countDown();
                                }
                                ended.countDown();
                            });
                        }));
            }
            assertThat(burstRelayed.await(60, TimeUnit.SECONDS)).as("every stream relayed its burst").isTrue();
            assertThat(problems).isEmpty();
            long opened = System.nanoTime();
            long during = heapAfterGc();
            release.complete(); // the upstream finishes every stream
            assertThat(ended.await(60, TimeUnit.SECONDS)).isTrue();
            long after = heapAfterGc();
            assertThat(problems).isEmpty();
            assertThat(completeStreams.get()).isEqualTo(STREAMS);

            long growth = Math.max(0, during - before);
            long relayed = STREAMS * burstBytes; // 25 MiB of content went through while the streams stayed open
            long heldByOpenStreams = Math.max(0, during - after); // both with the same idle keep-alive connections
            System.out.printf("SlowStreamsMemoryTest: %d open streams in %d ms, %d KiB relayed; heap before %d KiB, open %d KiB,"
                    + " closed %d KiB; growth %d KiB (%d bytes per stream)%n", STREAMS, (opened - started) / 1_000_000,
                    relayed / 1024, before / 1024, during / 1024, after / 1024, growth / 1024, growth / STREAMS);
            // buffering would keep at least the 256 KiB burst per stream; streaming keeps connection state only
            // (four connection ends per stream in this JVM: client, gateway in and out, upstream)
            assertThat(growth / STREAMS).isLessThan(burstBytes / 2);
            assertThat(heldByOpenStreams / STREAMS).isLessThan(32 * 1024);
        } finally {
            client.close().await(10, TimeUnit.SECONDS);
            gateway.close();
            upstream.close().await(10, TimeUnit.SECONDS);
            issuer.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) { // the lowest of a few full collections: what is really retained
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /**
     * An OpenAI-style streaming provider: each stream gets {@link #BURST_CHUNKS} content chunks at once, then stays
     * open until {@code release}, then gets the usage chunk and {@code [DONE]}. Chunks are made as they are written.
     */
    private static HttpServer slowUpstream(Vertx vertx, Promise<Void> release) throws Exception {
        String content = "x".repeat(CHUNK_CHARS);
        String chunk = "data: {\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"slow\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}]}\n\n";
        String end = "data: {\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"slow\","
                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: {\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"slow\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":64,\"total_tokens\":65}}\n\n"
                + "data: [DONE]\n\n";
        List<HttpServerResponse> open = new java.util.concurrent.CopyOnWriteArrayList<>();
        release.future().onComplete(v -> open.forEach(r -> r.end(end)));
        HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            HttpServerResponse response = req.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
            for (int i = 0; i < BURST_CHUNKS; i++) {
                response.write(chunk);
            }
            if (release.future().isComplete()) {
                response.end(end);
            } else {
                open.add(response);
            }
        }));
        return server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }
}
