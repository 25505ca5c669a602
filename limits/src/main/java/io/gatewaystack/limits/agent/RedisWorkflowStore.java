package io.gatewaystack.limits.agent;

import io.gatewaystack.core.Failures;
import io.gatewaystack.limits.store.RedisConnector;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Workflows shared by every gateway replica through one Redis: exact across replicas.
 *
 * <p>Each {@link #check} is one atomic Lua script ({@link GuardScripts#CHECK}) sent with {@code EVALSHA}, falling
 * back to {@code EVAL} after {@code NOSCRIPT}; {@link #addCost} is one more small script. Keys:
 * {@code <prefix>wf:{<workflow key>}} (a hash) and {@code <prefix>wf:{<workflow key>}:loop:<fingerprint>} (a list);
 * the shared hash tag keeps one workflow's keys in one Redis Cluster slot. Every key expires by itself.
 *
 * <p>Like the limits store: commands are bounded by the command timeout, rejected at once while disconnected, and
 * Lettuce reconnects in the background; if Redis is down at the first call, a new connect is tried at most once a
 * second. A failed or late answer completes the stage exceptionally ({@link FailoverWorkflowStore} decides).
 */
public final class RedisWorkflowStore implements WorkflowStore {

    private final RedisClient client;
    private final RedisConnector connector;
    private final String prefix;

    /**
     * @param redisUrl       e.g. {@code redis://127.0.0.1:6379/0}
     * @param keyPrefix      prepended to every key, e.g. {@code gs:limits:}
     * @param commandTimeout the longest any command may take before it counts as a failure
     */
    public RedisWorkflowStore(String redisUrl, String keyPrefix, Duration commandTimeout) {
        Objects.requireNonNull(redisUrl, "redisUrl");
        this.prefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
        this.client = RedisConnector.newClient(commandTimeout);
        this.connector = new RedisConnector(client, RedisConnector.uri(redisUrl, commandTimeout), 1000);
    }

    @Override
    public CompletionStage<GuardOutcome> check(WorkflowCall call) {
        WorkflowCaps caps = call.caps();
        boolean loop = caps.loopCheck() && call.fingerprint() != null;
        String[] keys = loop
                ? new String[] {workflowKey(call.workflowKey()), loopKey(call.workflowKey(), call.fingerprint())}
                : new String[] {workflowKey(call.workflowKey())};
        String[] args = {
                Long.toString(caps.maxCalls()), Long.toString(caps.maxDurationMillis()),
                Long.toString(caps.maxCostMicros()), Integer.toString(caps.loopMaxRepeats()),
                Long.toString(caps.loopWindowMillis()), Long.toString(caps.idleTtlMillis())};
        return connector.commands()
                .thenCompose(redis -> run(redis, GuardScripts.CHECK_SHA1, GuardScripts.CHECK,
                        ScriptOutputType.MULTI, keys, args))
                .thenApply(answer -> toOutcome((List<?>) answer));
    }

    private static GuardOutcome toOutcome(List<?> answer) {
        boolean admitted = number(answer, 0) == 1;
        long calls = number(answer, 3);
        long cost = number(answer, 4);
        long repeats = number(answer, 5);
        if (admitted) {
            return GuardOutcome.admitted(calls, cost, repeats);
        }
        Cap cap = switch ((int) number(answer, 1)) {
            case 1 -> Cap.CALLS;
            case 2 -> Cap.DURATION;
            case 3 -> Cap.COST;
            case 4 -> Cap.LOOP;
            default -> throw new IllegalStateException("unexpected workflow script answer " + answer);
        };
        return GuardOutcome.refused(cap, number(answer, 2), calls, cost, repeats);
    }

    private static long number(List<?> answer, int index) {
        return ((Number) answer.get(index)).longValue();
    }

    @Override
    public CompletionStage<Void> addCost(String workflowKey, long costMicros) {
        if (costMicros <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        String[] keys = {workflowKey(workflowKey)};
        String[] args = {Long.toString(costMicros)};
        return connector.commands()
                .thenCompose(redis -> run(redis, GuardScripts.ADD_COST_SHA1, GuardScripts.ADD_COST,
                        ScriptOutputType.INTEGER, keys, args))
                .thenApply(ignored -> null);
    }

    private static <T> CompletionStage<T> run(RedisAsyncCommands<String, String> redis, String sha, String source,
                                              ScriptOutputType type, String[] keys, String[] args) {
        CompletionStage<T> first = redis.evalsha(sha, type, keys, args);
        return first.exceptionallyCompose(failure -> Failures.unwrap(failure) instanceof RedisNoScriptException
                ? redis.<T>eval(source, type, keys, args)
                : CompletableFuture.failedFuture(failure));
    }

    String workflowKey(String key) {
        return prefix + "wf:{" + key + "}";
    }

    String loopKey(String key, String fingerprint) {
        return prefix + "wf:{" + key + "}:loop:" + fingerprint;
    }

    @Override
    public void close() {
        connector.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
