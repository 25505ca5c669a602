package io.gatewaystack.bench;

import io.gatewaystack.transform.TransformConfig;
import io.gatewaystack.transform.TransformEngine;
import io.gatewaystack.transform.response.ResponseFindings;
import io.gatewaystack.transform.response.ResponseScanner;
import io.gatewaystack.transform.response.ResponseSettings;
import io.gatewaystack.transform.response.StreamingRedactor;
import io.gatewaystack.transform.detect.BuiltinDetectors;
import io.gatewaystack.transform.detect.ContentScanner;
import io.gatewaystack.transform.detect.Finding;
import io.gatewaystack.transform.redact.Action;
import io.gatewaystack.transform.redact.ActionPolicy;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Transform layer throughput on 64 KiB of text (65,536 chars, all ASCII, so chars = bytes). Each invocation counts
 * as 64 operations, so the score is KiB/s (divide by 1,024 for MiB/s) and {@code -prof gc}'s
 * {@code gc.alloc.rate.norm} is bytes allocated per scanned KiB.
 * <ul>
 *   <li>{@code scan*}: all built-in detectors, findings only ({@link ContentScanner#scan}).</li>
 *   <li>{@code transform*}: the full text path: detectors, heuristic classifier, risk score, placeholder
 *       redaction ({@link TransformEngine#transformText}).</li>
 *   <li>{@code *FewHits}: chat-style prose, code and numbers with one email and one phone number per ~8 KiB.</li>
 *   <li>{@code scanDenseWithoutPhone}: the dense text with every built-in except the phone detector.</li>
 *   <li>{@code *Dense}: every line carries PII (email, phone, card, IBAN, SSN, IP, key), about one finding per 25 chars.</li>
 *   <li>{@code streamFewHits}: response scanning of a streamed answer ({@link StreamingRedactor}, default hold-back),
 *       the few-hit text pushed in 16-char deltas as a model streams them.</li>
 * </ul>
 * Run: {@code java -jar bench/target/gatewaystack-bench.jar TransformBenchmark -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class TransformBenchmark {

    static final int KIB = 64;
    private static final String[] CHAT = {
            "Hi! Could you help me refactor this function? It takes a list of orders and returns the total per customer, "
                    + "but it is slow when there are more than 10000 rows. Here is what I have so far:\n",
            "def totals(orders):\n    result = {}\n    for o in orders:\n        result[o.customer] = result.get(o.customer, 0) + o.amount\n    return result\n",
            "The meeting moved to Thursday at 3pm; please bring the Q3 numbers (revenue grew 12.5% to 4.2 million) and the "
                    + "slides from last week. We will also go over version 2.3.1 of the API and the migration plan.\n",
            "Summarise the following article in three bullet points, keeping the tone neutral and avoiding jargon where "
                    + "possible. The article discusses renewable energy adoption in 2024 across 27 countries.\n",
            "Error: connection refused at line 42 in server.js (node v20.11.0). I tried restarting the container twice "
                    + "and clearing the cache, but the build still fails with exit code 137 after about 90 seconds.\n",
            "Can you translate this paragraph into German and French? It's for our onboarding guide, section 4, which "
                    + "explains how new team members request access to the shared drive and the wiki.\n",
            "My daughter is 7 and loves dinosaurs. Suggest five books for her age, with a short reason for each, and "
                    + "mark the ones that are available as audiobooks. Budget is about 60 dollars in total.\n",
            "SELECT customer_id, SUM(amount) FROM orders WHERE created_at > '2024-01-01' GROUP BY customer_id ORDER BY 2 DESC LIMIT 20;\n",
    };
    private static final String FEW_HITS_EXTRA = "If anything is unclear, write to jane.doe@example.com or call +44 20 7946 0958.\n";
    private static final String DENSE_LINE = "Customer bob.smith@example.org, phone (650) 253-0000, card 4111 1111 1111 1111, "
            + "IBAN DE89370400440532013000, SSN 123-45-6789, from 192.168.10.20 with key AKIAIOSFODNN7EXAMPLE.\n";

    String fewHits;
    String dense;
    ContentScanner scanner;
    ContentScanner scannerWithoutPhone;
    TransformEngine engine;
    ResponseScanner responses;

    @Setup
    public void setUp() {
        fewHits = fill(chatText());
        dense = fill(DENSE_LINE);
        scanner = new ContentScanner(BuiltinDetectors.all("US"), List.of());
        scannerWithoutPhone = new ContentScanner(BuiltinDetectors.all("US").stream()
                .filter(d -> !d.types().contains("phone")).toList(), List.of());
        engine = new TransformEngine(TransformConfig.defaults().withActions(ActionPolicy.all(Action.PLACEHOLDER))
                .withBlockThreshold(TransformConfig.NEVER_BLOCK));
        responses = new TransformEngine(TransformConfig.defaults()
                .withResponse(ResponseSettings.on(java.util.Map.of(), Action.PLACEHOLDER))).responseScanner();
    }

    private static String chatText() {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (sb.length() < 8 * 1024) sb.append(CHAT[i++ % CHAT.length]);
        return sb.append(FEW_HITS_EXTRA).toString();
    }

    private static String fill(String unit) {
        StringBuilder sb = new StringBuilder(KIB * 1024 + unit.length());
        while (sb.length() < KIB * 1024) sb.append(unit);
        return sb.substring(0, KIB * 1024);
    }

    @Benchmark
    @OperationsPerInvocation(KIB)
    public List<Finding> scanFewHits() {
        return scanner.scan(fewHits);
    }

    @Benchmark
    @OperationsPerInvocation(KIB)
    public List<Finding> scanDense() {
        return scanner.scan(dense);
    }

    /** The dense case without the phone detector, to show what libphonenumber's validation costs. */
    @Benchmark
    @OperationsPerInvocation(KIB)
    public List<Finding> scanDenseWithoutPhone() {
        return scannerWithoutPhone.scan(dense);
    }

    @Benchmark
    @OperationsPerInvocation(KIB)
    public Object transformFewHits() {
        return engine.transformText(fewHits);
    }

    @Benchmark
    @OperationsPerInvocation(KIB)
    public int streamFewHits() {
        StreamingRedactor r = responses.stream(new ResponseFindings());
        int sent = 0;
        for (int i = 0; i < fewHits.length(); i += 16) {
            sent += r.push(fewHits.substring(i, Math.min(fewHits.length(), i + 16))).length();
        }
        return sent + r.finish().length();
    }

    @Benchmark
    @OperationsPerInvocation(KIB)
    public Object transformDense() {
        return engine.transformText(dense);
    }
}
