package io.gatewaystack.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An open-loop HTTP load generator: sends requests at a fixed rate over a fixed number of connections, whether or
 * not earlier answers have come back, and measures each latency from the moment the request was <em>due</em>. A
 * closed-loop tool such as wrk measures a saturated server (its latency is just connections / throughput); this
 * measures the latency a client sees at a given load, including any time a request waited for a free connection,
 * so a stall is not hidden by the generator slowing down with the server ("coordinated omission").
 *
 * <pre>
 * java -cp bench/target/gatewaystack-bench.jar io.gatewaystack.bench.OpenLoopLoad \
 *     --url http://127.0.0.1:8080/mcp --rate 5000 --connections 32 --seconds 10 --warmup 3 \
 *     --method POST --body-file call.json -H 'Authorization: Bearer ...' -H 'Content-Type: application/json'
 * </pre>
 *
 * Prints one line: {@code rate=... sent=... ok=... errors=... achieved_rps=... p50_ms=... p90_ms=... p99_ms=...
 * p999_ms=... max_ms=... first_byte_p50_ms=... first_byte_p99_ms=...}; the first byte of a streamed answer is its
 * first event, so the last two are the time to first token of streams. {@code --timeline FILE} writes, per 100 ms
 * of the measured run, the requests due, the slowest latency and how many took over 5 ms. Every wait is bounded: requests time out after 5 s and the run ends at most 10 s after
 * the last request was sent.
 */
public final class OpenLoopLoad {

    private record Options(URI url, HttpMethod method, Buffer body, List<String[]> headers, int rate, int connections,
                           int seconds, int warmup, boolean firstContent, Path timeline) {
    }

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
        try {
            System.out.println(run(vertx, o));
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static String run(Vertx vertx, Options o) throws InterruptedException {
        HttpClient client = vertx.httpClientBuilder()
                .with(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true))
                .with(new PoolOptions().setHttp1MaxSize(o.connections()).setMaxWaitQueueSize(-1))
                .build();
        RequestOptions request = new RequestOptions().setMethod(o.method()).setHost(o.url().getHost())
                .setPort(o.url().getPort()).setURI(o.url().getRawPath()
                        + (o.url().getRawQuery() == null ? "" : "?" + o.url().getRawQuery()))
                .setTimeout(5_000);
        for (String[] h : o.headers()) {
            request.putHeader(h[0], h[1]);
        }
        Histogram latencies = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        long[] counts = new long[3]; // sent (measured), ok, errors — touched only on the one event loop
        long intervalNanos = 1_000_000_000L / o.rate();
        long total = (long) o.rate() * (o.warmup() + o.seconds());
        long measuredFrom = (long) o.rate() * o.warmup();
        Histogram firstBytes = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        Histogram firstContents = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        CountDownLatch done = new CountDownLatch(1);
        long[] next = {0}; // index of the next request to send
        long[] outstanding = {0};
        long start = System.nanoTime();
        Timeline timeline = new Timeline(start + measuredFrom * intervalNanos, o.seconds());
        Finisher finish = (measured, ok, dueAt, firstByteAt, firstContentAt) -> {
            outstanding[0]--;
            if (measured) {
                if (ok) {
                    counts[1]++;
                    long now = System.nanoTime();
                    latencies.recordValue(Math.min(now - dueAt, latencies.getHighestTrackableValue()));
                    timeline.record(dueAt, now - dueAt);
                    firstBytes.recordValue(Math.min((firstByteAt == 0 ? now : firstByteAt) - dueAt,
                            firstBytes.getHighestTrackableValue()));
                    if (firstContentAt != 0) {
                        firstContents.recordValue(Math.min(firstContentAt - dueAt,
                                firstContents.getHighestTrackableValue()));
                    }
                } else {
                    counts[2]++;
                }
            }
            if (next[0] >= total && outstanding[0] == 0) {
                done.countDown();
            }
        };
        vertx.setPeriodic(1, id -> {
            long now = System.nanoTime();
            long due = Math.min(total, (now - start) / intervalNanos + 1);
            for (; next[0] < due; next[0]++) {
                long index = next[0];
                long dueAt = start + index * intervalNanos;
                boolean measured = index >= measuredFrom;
                if (measured) {
                    counts[0]++;
                }
                outstanding[0]++;
                client.request(request)
                        .compose(r -> o.body() == null ? r.send() : r.send(o.body()))
                        .onComplete(sent -> {
                            if (sent.failed()) {
                                finish.done(measured, false, dueAt, 0, 0);
                                return;
                            }
                            var response = sent.result();
                            long[] firstByte = {0};
                            long[] firstContent = {0};
                            StringBuilder seen = o.firstContent() ? new StringBuilder() : null;
                            response.handler(chunk -> {
                                long at = System.nanoTime();
                                if (firstByte[0] == 0) {
                                    firstByte[0] = at; // for a stream: its first event
                                }
                                if (seen != null && firstContent[0] == 0) {
                                    seen.append(chunk.toString(java.nio.charset.StandardCharsets.UTF_8));
                                    if (hasContent(seen)) {
                                        firstContent[0] = at; // the first token: a non-empty "content"
                                    }
                                }
                            });
                            boolean[] ended = {false}; // an error and the end must not both count
                            response.exceptionHandler(e -> {
                                if (!ended[0]) {
                                    ended[0] = true;
                                    finish.done(measured, false, dueAt, 0, 0);
                                }
                            });
                            response.endHandler(v -> {
                                if (!ended[0]) {
                                    ended[0] = true;
                                    finish.done(measured, response.statusCode() < 400, dueAt, firstByte[0], firstContent[0]);
                                }
                            });
                        });
            }
            if (next[0] >= total) {
                vertx.cancelTimer(id);
            }
        });
        boolean finished = done.await(o.warmup() + o.seconds() + 10L, TimeUnit.SECONDS);
        long elapsedMeasured = System.nanoTime() - start - TimeUnit.SECONDS.toNanos(o.warmup());
        client.close();
        // Read the counters on the event loop that wrote them.
        String[] line = new String[1];
        CountDownLatch read = new CountDownLatch(1);
        vertx.runOnContext(v -> {
            line[0] = String.format(Locale.ROOT,
                    "rate=%d connections=%d sent=%d ok=%d errors=%d unfinished=%d achieved_rps=%.1f p50_ms=%.3f "
                            + "p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f first_byte_p50_ms=%.3f "
                            + "first_byte_p99_ms=%.3f%s",
                    o.rate(), o.connections(), counts[0], counts[1], counts[2], finished ? 0 : outstanding[0],
                    counts[1] / (elapsedMeasured / 1e9), ms(latencies.getValueAtPercentile(50)),
                    ms(latencies.getValueAtPercentile(90)), ms(latencies.getValueAtPercentile(99)),
                    ms(latencies.getValueAtPercentile(99.9)), ms(latencies.getMaxValue()),
                    ms(firstBytes.getValueAtPercentile(50)), ms(firstBytes.getValueAtPercentile(99)),
                    o.firstContent() ? String.format(Locale.ROOT, " first_content_p50_ms=%.3f first_content_p99_ms=%.3f",
                            ms(firstContents.getValueAtPercentile(50)), ms(firstContents.getValueAtPercentile(99))) : "");
            if (o.timeline() != null) {
                try {
                    Files.writeString(o.timeline(), timeline.toTsv());
                } catch (java.io.IOException e) {
                    System.err.println("could not write the timeline: " + e);
                }
            }
            read.countDown();
        });
        read.await(5, TimeUnit.SECONDS);
        return line[0];
    }

    /**
     * Per 100 ms of due time (the measured part only): the requests, the slowest latency and how many took over
     * 5 ms, to tell periodic stalls (a collection, a batch job) from random ones. Touched on the event loop only.
     */
    private static final class Timeline {
        private static final long SLOT_NANOS = 100_000_000L;
        private final long measuredStart;
        private final long measuredStartMillis; // its wall clock, to line up with a GC log (-Xlog:gc:...:time)
        private final long[] count;
        private final long[] max;
        private final long[] over5ms;

        Timeline(long measuredStart, int seconds) {
            this.measuredStart = measuredStart;
            this.measuredStartMillis = System.currentTimeMillis() + (measuredStart - System.nanoTime()) / 1_000_000L;
            int slots = seconds * 10 + 1;
            count = new long[slots];
            max = new long[slots];
            over5ms = new long[slots];
        }

        void record(long dueAt, long latency) {
            int slot = (int) Math.min(count.length - 1, (dueAt - measuredStart) / SLOT_NANOS);
            count[slot]++;
            max[slot] = Math.max(max[slot], latency);
            if (latency > 5_000_000L) {
                over5ms[slot]++;
            }
        }

        String toTsv() {
            StringBuilder t = new StringBuilder("second\tclock\trequests\tmax_ms\tover_5ms\n");
            for (int i = 0; i < count.length; i++) {
                t.append(String.format(Locale.ROOT, "%.1f\t%s\t%d\t%.3f\t%d%n", i / 10.0,
                        java.time.LocalTime.ofInstant(java.time.Instant.ofEpochMilli(measuredStartMillis + i * 100L),
                                java.time.ZoneOffset.UTC), count[i], ms(max[i]), over5ms[i]));
            }
            return t.toString();
        }
    }

    /** What happens when a request ends; runs on the event loop. */
    private interface Finisher {
        void done(boolean measured, boolean ok, long dueAt, long firstByteAt, long firstContentAt);
    }

    /** Whether an OpenAI chat stream so far holds a delta with non-empty {@code "content"} (the role event's is ""). */
    static boolean hasContent(CharSequence stream) {
        String s = stream.toString();
        for (int i = s.indexOf("\"content\":\""); i >= 0; i = s.indexOf("\"content\":\"", i + 1)) {
            int next = i + "\"content\":\"".length();
            if (next < s.length() && s.charAt(next) != '"') {
                return true;
            }
        }
        return false;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static Options parse(String[] args) throws Exception {
        URI url = null;
        HttpMethod method = HttpMethod.GET;
        Buffer body = null;
        List<String[]> headers = new ArrayList<>();
        int rate = 1000;
        int connections = 32;
        int seconds = 10;
        int warmup = 3;
        boolean firstContent = false;
        Path timeline = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--url" -> url = URI.create(value);
                case "--method" -> method = HttpMethod.valueOf(value);
                case "--body-file" -> body = Buffer.buffer(Files.readAllBytes(Path.of(value)));
                case "-H", "--header" -> {
                    int colon = value.indexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("a header is 'Name: value', got " + value);
                    }
                    headers.add(new String[] {value.substring(0, colon).trim(), value.substring(colon + 1).trim()});
                }
                case "--rate" -> rate = Integer.parseInt(value);
                case "--connections" -> connections = Integer.parseInt(value);
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--timeline" -> timeline = Path.of(value);
                case "--first-content" -> {
                    firstContent = true;
                    i--; // a flag, no value
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        if (url == null || rate < 1 || rate > 1_000_000 || connections < 1 || seconds < 1 || warmup < 0) {
            throw new IllegalArgumentException("usage: --url URL [--rate N] [--connections N] [--seconds N] "
                    + "[--warmup N] [--method M] [--body-file F] [-H 'Name: value']... [--first-content] "
                    + "[--timeline FILE]");
        }
        return new Options(url, method, body, headers, rate, connections, seconds, warmup, firstContent, timeline);
    }
}
