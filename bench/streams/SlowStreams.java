import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of bench/streams.sh (JDK only; run as a source file: {@code java SlowStreams.java ...}).
 *
 * <pre>
 * java SlowStreams.java concurrent URL TOKEN STREAMS WORDS TIMEOUT_S
 *     opens STREAMS streamed chat completions at once (one virtual thread each), prints ALL_OPEN when every stream
 *     has received its first content, then waits for all to end and prints completed/failed counts and bytes
 * java SlowStreams.java ttft URL AUTH_HEADER_VALUE COUNT
 *     COUNT streamed completions one after another; prints p50/p99 time to the first event
 * </pre>
 */
public class SlowStreams {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "concurrent" -> concurrent(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]));
            case "ttft" -> ttft(args[1], args[2], Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException("concurrent or ttft");
        }
    }

    static HttpRequest request(String url, String authorization, String text) {
        String body = "{\"model\":\"echo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static void concurrent(String url, String token, int streams, int words, int timeoutSeconds) throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < words; i++) {
            text.append(i == 0 ? "" : " ").append("word").append(i);
        }
        HttpRequest request = request(url, "Bearer " + token, text.toString());
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30)).build();
        CountDownLatch firstContent = new CountDownLatch(streams);
        CountDownLatch ended = new CountDownLatch(streams);
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        long start = System.nanoTime();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < streams; i++) {
                threads.submit(() -> {
                    boolean counted = false;
                    try {
                        HttpResponse<java.io.InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
                        boolean done = false;
                        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                            String line;
                            while ((line = reader.readLine()) != null) {
                                bytes.addAndGet(line.length() + 1);
                                if (!counted && line.startsWith("data: {") && line.contains("\"content\":\"word")) {
                                    counted = true;
                                    firstContent.countDown();
                                }
                                if (line.equals("data: [DONE]")) {
                                    done = true;
                                }
                            }
                        }
                        if (response.statusCode() == 200 && done) {
                            completed.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    } finally {
                        if (!counted) {
                            firstContent.countDown();
                        }
                        ended.countDown();
                    }
                    return null;
                });
            }
            boolean allOpen = firstContent.await(timeoutSeconds, TimeUnit.SECONDS);
            System.out.printf("ALL_OPEN %s after %d ms (failed so far %d)%n", allOpen, (System.nanoTime() - start) / 1_000_000, failed.get());
            System.out.flush();
            boolean allEnded = ended.await(timeoutSeconds, TimeUnit.SECONDS);
            System.out.printf("ENDED %s after %d ms: completed %d, failed %d, %d KiB received%n", allEnded,
                    (System.nanoTime() - start) / 1_000_000, completed.get(), failed.get(), bytes.get() / 1024);
            if (!allEnded) {
                threads.shutdownNow();
            }
        }
    }

    /** Time to the first event of a stream (then the stream is dropped): what the relay adds before any token. */
    static void ttft(String url, String authorization, int count) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = request(url, authorization, "one two three");
        double[] firstEvent = new double[count];
        for (int i = 0; i < count + 20; i++) { // the first 20 warm up
            long start = System.nanoTime();
            HttpResponse<java.io.InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            double event = -1;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while (event < 0 && (line = reader.readLine()) != null) {
                    if (line.startsWith("data: ")) {
                        event = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
            if (response.statusCode() != 200 || event < 0) {
                throw new IllegalStateException("stream " + i + " failed: status " + response.statusCode());
            }
            if (i >= 20) {
                firstEvent[i - 20] = event;
            }
        }
        System.out.printf("first event ms: p50 %.3f p99 %.3f%n", pct(firstEvent, 50), pct(firstEvent, 99));
    }

    static double pct(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
