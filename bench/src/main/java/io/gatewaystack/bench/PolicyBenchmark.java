package io.gatewaystack.bench;

import io.gatewaystack.core.ContentFindings;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.RequestBody;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;
import io.gatewaystack.policy.Decision;
import io.gatewaystack.policy.PolicyInput;
import io.gatewaystack.policy.PolicyLayer;
import io.gatewaystack.policy.PolicyLayerConfig;
import io.gatewaystack.policy.PolicyLoader;
import io.gatewaystack.policy.PolicySet;
import io.gatewaystack.policy.PolicyStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cost of one policy decision over a set of 1,000 rules with identity, model and content conditions:
 * <ul>
 *   <li>{@link #decideIndexed}: {@code PolicySet.decide} for a model that has its own 4 rules; the index skips the
 *       other 796 model rules and the 150 tool rules; the 50 glob/regex/content rules of the fallback list are
 *       tested on every decision.</li>
 *   <li>{@link #decideFullScan}: the same 1,000 rules with their model condition hidden inside {@code all}, so
 *       none is indexed and every decision scans them all (what the index saves).</li>
 *   <li>{@link #layerOnRequest}: the whole {@code PolicyLayer.onRequest} on the indexed set: facts built from a
 *       RequestContext (identity, content findings, JSON body), decision, context written.</li>
 *   <li>{@link #decideCel}: a decision whose deciding rule is a CEL expression (facts turned into CEL maps, then
 *       the compiled program evaluated).</li>
 * </ul>
 * Run: {@code java -jar bench/target/gatewaystack-bench.jar PolicyBenchmark} after building the bench module.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class PolicyBenchmark {

    static final int MODELS = 200;

    PolicySet indexed;
    PolicySet scanned;
    PolicySet cel;
    PolicyInput input;
    PolicyLayer layer;
    RequestContext context;

    @Setup
    public void setUp() throws Exception {
        PolicyLoader loader = new PolicyLoader();
        indexed = loader.parse("bench.yaml", rules(false));
        scanned = loader.parse("bench.yaml", rules(true));
        if (indexed.ruleCount() != 1000 || scanned.ruleCount() != 1000) {
            throw new IllegalStateException("expected 1000 rules, got " + indexed.ruleCount());
        }
        cel = loader.parse("cel.yaml", rules(false) + """
                  - id: cel-rule
                    priority: 5
                    effect: allow
                    when:
                      model: model-137
                      cel: "identity.plan == 'pro' && 'doctor' in identity.roles && content.risk_score < 50 && request.max_tokens <= 2000"
                """);
        input = PolicyInput.builder().subject("u1").org("org-3").tenant("tenant-3").plan("pro")
                .roles("doctor", "staff").scopes("chat", "medical:write").claims(Map.of("department", "cardiology"))
                .model("model-137").route("llm.chat").method("POST").labels("medical").pii(Map.of("email", 1))
                .riskScore(20).maxTokens(1000).stream(false).time(Instant.parse("2026-01-05T10:00:00Z")).build();
        check(indexed.decide(input), "allow-137");
        check(scanned.decide(input), "allow-137");
        check(cel.decide(input), "cel-rule");

        layer = new PolicyLayer(new PolicyStore(indexed), new PolicyLayerConfig(true, Clock.systemUTC(), null));
        context = RequestContext.builder().requestId("bench").method("POST").path("/v1/chat/completions")
                .routeName("llm.chat").build();
        context.identity(new Identity("u1", "https://idp.example", "org-3", "tenant-3", List.of("doctor", "staff"),
                List.of("chat", "medical:write"), null, null, "pro", null, Instant.parse("2030-01-01T00:00:00Z"),
                Map.of("department", "cardiology")));
        context.contentFindings(new ContentFindings(List.of("medical"), List.of("email"), 20));
        String body = "{\"model\":\"model-137\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        context.body(new RequestBody(body.getBytes(StandardCharsets.UTF_8), "application/json",
                JsonMapper.builder().build().readTree(body)));
        if (!layer.onRequest(context).isProceed()) {
            throw new IllegalStateException("the layer did not allow the benchmark request");
        }
    }

    private static void check(Decision d, String rule) {
        if (!rule.equals(d.ruleId())) {
            throw new IllegalStateException("expected " + rule + ", got " + d.ruleId() + " " + d.reasons());
        }
    }

    /** 800 model rules (4 per model), 150 tool rules, 50 fallback rules (glob, regex, content only). */
    static String rules(boolean hideResource) {
        StringBuilder y = new StringBuilder("rules:\n");
        for (int m = 0; m < MODELS; m++) {
            String model = "model: model-" + m;
            String res = hideResource ? "all: [{" + model + "}], " : model + ", ";
            y.append("  - {id: allow-").append(m).append(", effect: allow, when: {").append(res)
                    .append("roles: [doctor, physician_assistant], scopes: {all: [\"medical:write\"]}, org: {exists: true}}}\n");
            y.append("  - {id: deny-secret-").append(m).append(", effect: deny, reason: no secrets, when: {").append(res)
                    .append("any: [{content.labels: {any: [secret, classified]}}, {content.risk_score: {gte: 80}}]}}\n");
            y.append("  - {id: cap-").append(m).append(", effect: modify, when: {").append(res)
                    .append("plan: free}, modify: {max_tokens: 512}}\n");
            y.append("  - {id: deny-tenant-").append(m).append(", priority: 10, effect: deny, when: {").append(res)
                    .append("tenant: blocked-").append(m).append("}}\n");
        }
        for (int t = 0; t < 150; t++) {
            String tool = "tool: tool-" + t;
            String res = hideResource ? "all: [{" + tool + "}], " : tool + ", ";
            y.append("  - {id: tool-").append(t).append(", effect: allow, when: {").append(res)
                    .append("scopes: {all: [\"tool:").append(t).append("\"]}}}\n");
        }
        for (int f = 0; f < 50; f++) {
            switch (f % 3) {
                case 0 -> y.append("  - {id: glob-").append(f).append(", effect: deny, when: {model: {glob: \"legacy-").append(f)
                        .append("-*\"}, roles: intern}}\n");
                case 1 -> y.append("  - {id: regex-").append(f).append(", effect: deny, when: {model: {regex: \"^exp-").append(f)
                        .append("\"}, content.pii: [ssn]}}\n");
                default -> y.append("  - {id: content-").append(f).append(", priority: 20, effect: deny, when: {content.labels: label-")
                        .append(f).append(", claims.department: dept-").append(f).append("}}\n");
            }
        }
        return y.toString();
    }

    @Benchmark
    public Decision decideIndexed() {
        return indexed.decide(input);
    }

    @Benchmark
    public Decision decideFullScan() {
        return scanned.decide(input);
    }

    @Benchmark
    public Verdict layerOnRequest() {
        return layer.onRequest(context);
    }

    @Benchmark
    public Decision decideCel() {
        // A fresh input: CEL facts are built once per request, so reusing one would hide that cost.
        PolicyInput fresh = PolicyInput.builder().plan("pro").roles("doctor").model("model-137").riskScore(20)
                .maxTokens(1000).org("org-3").scopes("medical:write").time(input.time()).build();
        return cel.decide(fresh);
    }
}
