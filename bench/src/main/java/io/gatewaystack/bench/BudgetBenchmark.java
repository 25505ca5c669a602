package io.gatewaystack.bench;

import io.gatewaystack.limits.KeyPart;
import io.gatewaystack.limits.budget.Amounts;
import io.gatewaystack.limits.budget.BudgetCheck;
import io.gatewaystack.limits.budget.BudgetHold;
import io.gatewaystack.limits.budget.BudgetOutcome;
import io.gatewaystack.limits.budget.BudgetPeriod;
import io.gatewaystack.limits.budget.BudgetRequest;
import io.gatewaystack.limits.budget.BudgetRule;
import io.gatewaystack.limits.budget.MemoryBudgetStore;
import io.gatewaystack.limits.budget.RedisBudgetStore;
import io.gatewaystack.limits.budget.Settlement;
import io.gatewaystack.limits.budget.TokenCounter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cost of the budget pre-flight and accounting.
 * <ul>
 *   <li>{@link #memoryReserveSettle}: a reserve on a user and an org budget, then its settlement, in memory, over
 *       10,000 users of 100 orgs.</li>
 *   <li>{@link #redisReserveSettle} (sample time, one pair in flight): the same pair against Redis, two Lua scripts:
 *       what a budgeted request adds on loopback Redis.</li>
 *   <li>{@link #redisReserve} (sample time, one reserve in flight): the reserve alone, what a request waits for
 *       before its call goes out (the settle runs after the response); each reserve is settled outside the
 *       measured time, so every measured reserve opens a fresh reservation as in production.</li>
 *   <li>{@link #redisPipelined}: 64 pairs in flight on the one connection: pairs per second from one instance.</li>
 *   <li>{@link #countPromptTokens}: jtokkit (o200k) counting a 1.2 KB chat request, the estimate's main cost, with
 *       the count cache off; {@link #countPromptTokensRepeated}: the same request again with the cache on (every
 *       long text a hit).</li>
 *   <li>{@link #countConversationTurn} / {@link #countConversationTurnUncached}: turn 11 of a conversation, ten
 *       earlier messages of about 600 characters resent plus one new message, with and without the cache.</li>
 * </ul>
 * Run: {@code java -jar bench/target/gatewaystack-bench.jar BudgetBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s}.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class BudgetBenchmark {

    static final BudgetRule USER = new BudgetRule("user-day", List.of(KeyPart.USER), io.gatewaystack.limits.budget.Meter.COST,
            Long.MAX_VALUE / 4, BudgetPeriod.DAY);
    static final BudgetRule ORG = new BudgetRule("org-month", List.of(KeyPart.ORG), io.gatewaystack.limits.budget.Meter.COST,
            Long.MAX_VALUE / 4, BudgetPeriod.MONTH);
    static final Amounts USED = new Amounts(100, 50, 1_234);

    static BudgetRequest[] requests(int n, String run) {
        BudgetRequest[] out = new BudgetRequest[n];
        long end = System.currentTimeMillis() + 86_400_000;
        for (int i = 0; i < n; i++) {
            out[i] = new BudgetRequest(run + "-" + i, List.of(
                    new BudgetCheck(USER, "user-day|u=" + run + i + "|p=0", 40_000, end),
                    new BudgetCheck(ORG, "org-month|o=" + run + (i % 100) + "|p=0", 40_000, end)), 900_000);
        }
        return out;
    }

    @State(Scope.Thread)
    public static class Memory {
        final MemoryBudgetStore store = new MemoryBudgetStore(InstantSource.system());
        BudgetRequest[] requests;
        int next;

        @Setup
        public void setUp() {
            requests = requests(10_000, UUID.randomUUID().toString().substring(0, 6));
        }
    }

    @State(Scope.Benchmark)
    public static class Redis {
        RedisBudgetStore store;
        BudgetRequest[] requests;
        int next;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            String url = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
            String run = UUID.randomUUID().toString().substring(0, 6);
            store = new RedisBudgetStore(url, "gs:bench:" + run + ":", Duration.ofSeconds(2));
            requests = requests(10_000, run);
            store.reserve(requests[0]).toCompletableFuture().get(5, TimeUnit.SECONDS); // connect, load the scripts
        }

        synchronized BudgetRequest next() {
            BudgetRequest r = requests[next];
            next = next + 1 == requests.length ? 0 : next + 1;
            return r;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            store.close();
        }
    }

    /** Settles the previous reserve before each measured one, outside the measured time. */
    @State(Scope.Thread)
    public static class Unsettled {
        BudgetOutcome last;

        @Setup(Level.Invocation)
        public void settlePrevious(Redis redis) throws Exception {
            if (last != null && last.hold() != null) {
                redis.store.settle(settlement(last)).toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
            last = null;
        }
    }

    @State(Scope.Benchmark)
    public static class Prompt {
        final TokenCounter counter = new TokenCounter(0);
        final TokenCounter cached = new TokenCounter();
        JsonNode body;

        @Setup
        public void setUp() {
            String text = "Please summarise the quarterly report for the finance team, highlight the three largest "
                    + "risks, and propose next steps with owners and dates. ";
            body = JsonMapper.builder().build().readTree("{\"model\":\"gpt-4o\",\"max_tokens\":500,\"messages\":["
                    + "{\"role\":\"system\",\"content\":\"You are a careful analyst. Answer in short bullet points.\"},"
                    + "{\"role\":\"user\",\"content\":\"" + text.repeat(8) + "\"}]}");
        }
    }

    /** A conversation at turn 11: the same ten earlier messages, and a new user message every call. */
    @State(Scope.Thread)
    public static class Conversation {
        final TokenCounter cached = new TokenCounter();
        final TokenCounter uncached = new TokenCounter(0);
        final JsonMapper json = JsonMapper.builder().build();
        final List<JsonNode> history = new java.util.ArrayList<>();
        long turn;

        @Setup
        public void setUp() {
            String answer = "The report shows revenue up 4% on the quarter, with costs flat; the main risks are the "
                    + "delayed supplier contract, currency exposure in the EU unit, and the hiring freeze. ";
            history.add(message("system", "You are a careful analyst. Answer in short bullet points. ".repeat(3)));
            for (int i = 0; i < 9; i++) {
                history.add(message(i % 2 == 0 ? "user" : "assistant", answer.repeat(3) + "(turn " + i + ")"));
            }
        }

        JsonNode message(String role, String content) {
            return json.createObjectNode().put("role", role).put("content", content);
        }

        /** Turn 11: the history plus a user message nobody sent before. */
        JsonNode nextBody() {
            var messages = json.createArrayNode();
            history.forEach(messages::add);
            messages.add(message("user", "Now propose next steps with owners and dates for item " + (turn++)
                    + ", and say which of the three risks to tackle first and why, in no more than five bullets."));
            return json.createObjectNode().put("model", "gpt-4o").put("max_tokens", 500).set("messages", messages);
        }
    }

    private static Settlement settlement(BudgetOutcome outcome) {
        BudgetHold hold = outcome.hold();
        return Settlement.of(hold, USED);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public BudgetOutcome memoryReserveSettle(Memory m) {
        BudgetRequest r = m.requests[m.next];
        m.next = m.next + 1 == m.requests.length ? 0 : m.next + 1;
        BudgetOutcome outcome = m.store.reserveNow(r);
        m.store.settleNow(settlement(outcome));
        return outcome;
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object redisReserveSettle(Redis redis) throws Exception {
        BudgetOutcome outcome = redis.store.reserve(redis.next()).toCompletableFuture().get();
        return redis.store.settle(settlement(outcome)).toCompletableFuture().get();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public BudgetOutcome redisReserve(Redis redis, Unsettled unsettled) throws Exception {
        BudgetOutcome outcome = redis.store.reserve(redis.next()).toCompletableFuture().get();
        unsettled.last = outcome;
        return outcome;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(64)
    public void redisPipelined(Redis redis) {
        CompletableFuture<?>[] inFlight = new CompletableFuture<?>[64];
        for (int i = 0; i < inFlight.length; i++) {
            inFlight[i] = redis.store.reserve(redis.next()).toCompletableFuture()
                    .thenCompose(outcome -> redis.store.settle(settlement(outcome)));
        }
        CompletableFuture.allOf(inFlight).join();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long countPromptTokens(Prompt p) {
        return p.counter.promptTokens(p.body, "gpt-4o");
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long countPromptTokensRepeated(Prompt p) {
        return p.cached.promptTokens(p.body, "gpt-4o");
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long countConversationTurn(Conversation c) {
        return c.cached.promptTokens(c.nextBody(), "gpt-4o");
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long countConversationTurnUncached(Conversation c) {
        return c.uncached.promptTokens(c.nextBody(), "gpt-4o");
    }
}
