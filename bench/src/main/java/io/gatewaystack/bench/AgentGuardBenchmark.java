package io.gatewaystack.bench;

import io.gatewaystack.core.Identity;
import io.gatewaystack.core.RequestBody;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.limits.agent.AgentGuard;
import io.gatewaystack.limits.agent.AgentGuardConfig;
import io.gatewaystack.limits.agent.AgentGuardLayer;
import io.gatewaystack.limits.agent.GuardOutcome;
import io.gatewaystack.limits.agent.MemoryWorkflowStore;
import io.gatewaystack.limits.agent.RedisWorkflowStore;
import io.gatewaystack.limits.agent.SessionSource;
import io.gatewaystack.limits.agent.ToolArguments;
import io.gatewaystack.limits.agent.WorkflowCall;
import io.gatewaystack.limits.agent.WorkflowCaps;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Cost of the agent guard per call.
 * <ul>
 *   <li>{@link #memoryManyWorkflows}: {@code MemoryWorkflowStore.checkNow} over 100,000 workflows per thread, no
 *       loop check (call cap high enough never to refuse).</li>
 *   <li>{@link #layerToolCall}: {@code AgentGuardLayer.onRequest} for a {@code POST /tools/{name}} call with an
 *       {@code X-Workflow-Id} over 10,000 users: workflow key (SHA-256), canonical arguments and fingerprint
 *       (SHA-256), store, decision and audit line.</li>
 *   <li>{@link #redisSequential}: one check in flight against {@code REDIS_URL} or 127.0.0.1:6379.</li>
 * </ul>
 * Run: {@code java -jar bench/target/gatewaystack-bench.jar AgentGuardBenchmark -f 1 -wi 1 -i 2 -w 2s -r 2s}.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class AgentGuardBenchmark {

    static final WorkflowCaps CAPS = new WorkflowCaps(Long.MAX_VALUE, 0, 0, 100_000, 1_000, 3_600_000);
    static final WorkflowCaps NO_LOOP = new WorkflowCaps(Long.MAX_VALUE, 0, 0, 0, 0, 3_600_000);

    @State(Scope.Benchmark)
    public static class SharedStore {
        final MemoryWorkflowStore store = new MemoryWorkflowStore(InstantSource.system());
    }

    @State(Scope.Thread)
    public static class ManyWorkflows {
        WorkflowCall[] calls;
        int next;

        @Setup
        public void setUp() {
            String thread = UUID.randomUUID().toString().substring(0, 6);
            calls = new WorkflowCall[100_000];
            for (int i = 0; i < calls.length; i++) {
                calls[i] = new WorkflowCall(thread + "-" + i, null, NO_LOOP);
            }
        }
    }

    @State(Scope.Thread)
    public static class Layer {
        AgentGuardLayer layer;
        RequestContext[] contexts;
        int next;

        @Setup
        public void setUp() {
            layer = new AgentGuard(AgentGuardConfig.of(CAPS), new MemoryWorkflowStore(InstantSource.system()))
                    .layer(ToolArguments.REQUEST_BODY, SessionSource.NONE);
            JsonMapper json = JsonMapper.builder().build();
            contexts = new RequestContext[10_000];
            for (int i = 0; i < contexts.length; i++) {
                String workflow = "run-" + i;
                RequestContext c = RequestContext.builder().requestId("req-" + i).method("POST").path("/tools/search")
                        .routeName("tools").headers(name -> "X-Workflow-Id".equalsIgnoreCase(name) ? workflow : null)
                        .build();
                c.identity(new Identity("user-" + i, "https://idp", "acme", null, List.of(), List.of(), null, null,
                        null, null, null, Map.of()));
                c.resource(new ResourceRequest(ResourceRequest.Kind.TOOL, "search"));
                byte[] body = ("{\"query\":\"quarterly revenue " + (i % 7) + "\",\"limit\":10,\"filters\":{\"region\":\"eu\"}}")
                        .getBytes(StandardCharsets.UTF_8);
                c.body(new RequestBody(body, "application/json", json.readTree(body)));
                contexts[i] = c;
            }
        }
    }

    @State(Scope.Benchmark)
    public static class Redis {
        RedisWorkflowStore store;
        WorkflowCall[] calls;
        int next;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            String url = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
            store = new RedisWorkflowStore(url, "gs:bench:" + UUID.randomUUID().toString().substring(0, 6) + ":",
                    Duration.ofSeconds(2));
            calls = new WorkflowCall[10_000];
            WorkflowCaps caps = new WorkflowCaps(Long.MAX_VALUE, 0, 0, 100_000, 1_000, 60_000);
            for (int i = 0; i < calls.length; i++) {
                calls[i] = new WorkflowCall("wf-" + i, "fp-" + (i % 7), caps);
            }
            store.check(calls[0]).toCompletableFuture().get(5, TimeUnit.SECONDS); // connect, load the script
        }

        synchronized WorkflowCall next() {
            WorkflowCall c = calls[next];
            next = next + 1 == calls.length ? 0 : next + 1;
            return c;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            store.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public GuardOutcome memoryManyWorkflows(SharedStore shared, ManyWorkflows state) {
        WorkflowCall call = state.calls[state.next];
        state.next = state.next + 1 == state.calls.length ? 0 : state.next + 1;
        return shared.store.checkNow(call);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Object layerToolCall(Layer state) {
        RequestContext c = state.contexts[state.next];
        state.next = state.next + 1 == state.contexts.length ? 0 : state.next + 1;
        c.limitsDecision(null); // a context is reused: start each call without the previous call's audit line
        return state.layer.onRequest(c);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public GuardOutcome redisSequential(Redis redis) throws Exception {
        return redis.store.check(redis.next()).toCompletableFuture().get();
    }
}
