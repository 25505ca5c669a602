package io.gatewaystack.limits.store;

import io.gatewaystack.core.Failures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Limits shared by every gateway replica through one Redis: exact across replicas.
 *
 * <p>Each {@link #reserve} is one atomic Lua script ({@link ReserveScript}) sent with {@code EVALSHA}, falling back to
 * {@code EVAL} when Redis answers {@code NOSCRIPT} (after a restart or {@code SCRIPT FLUSH}); it checks every rule
 * and the concurrency cap and charges all of them or none. {@link #release} is one {@code ZREM}.
 *
 * <p>Keys are {@code <prefix>rl:{<limit key>}} and {@code <prefix>cc:{<limit key>}}: the braces are a Redis Cluster
 * hash tag, so each counter maps to one slot. One script touches all of a request's keys, which a single Redis
 * (or a primary with replicas, or Sentinel) always allows; on Redis Cluster that needs the keys in one slot, which
 * this version does not arrange (it connects with the standalone client).
 *
 * <p>Every command is bounded by the command timeout and, while the connection is down, rejected at once instead of
 * queued; Lettuce reconnects in the background. A failed or late answer completes the stage exceptionally, and
 * {@link FailoverLimitStore} applies the failure policy.
 */
public final class RedisLimitStore implements LimitStore {


    private final RedisClient client;
    private final RedisConnector connector;
    private final String prefix;

    /**
     * @param redisUrl       e.g. {@code redis://127.0.0.1:6379/0}
     * @param keyPrefix      prepended to every key, e.g. {@code gs:limits:}
     * @param commandTimeout the longest any command may take before it counts as a failure
     */
    public RedisLimitStore(String redisUrl, String keyPrefix, Duration commandTimeout) {
        Objects.requireNonNull(redisUrl, "redisUrl");
        this.prefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
        this.client = RedisConnector.newClient(commandTimeout);
        this.connector = new RedisConnector(client, RedisConnector.uri(redisUrl, commandTimeout), 1000);
    }

    @Override
    public CompletionStage<LimitOutcome> reserve(LimitRequest request) {
        List<RateCheck> rates = request.rates();
        ConcurrencyCheck concurrency = request.concurrency();
        int n = rates.size();
        String[] keys = new String[concurrency == null ? n : n + 1];
        String[] args = new String[4 + 2 * n];
        args[0] = Integer.toString(n);
        args[1] = concurrency == null ? "0" : Integer.toString(concurrency.max());
        args[2] = concurrency == null ? "0" : Long.toString(concurrency.leaseTtl().toMillis());
        args[3] = request.holder();
        for (int i = 0; i < n; i++) {
            RateCheck check = rates.get(i);
            keys[i] = rateKey(check.key());
            args[4 + 2 * i] = Integer.toString(check.rule().max());
            args[5 + 2 * i] = Long.toString(check.rule().windowMillis());
        }
        if (concurrency != null) {
            keys[n] = concurrencyKey(concurrency.key());
        }
        return connector.commands()
                .thenCompose(redis -> runScript(redis, keys, args))
                .thenApply(answer -> toOutcome(answer, request));
    }

    private static CompletionStage<List<Object>> runScript(RedisAsyncCommands<String, String> redis,
                                                            String[] keys, String[] args) {
        CompletionStage<List<Object>> first = redis.evalsha(ReserveScript.SHA1, ScriptOutputType.MULTI, keys, args);
        return first.exceptionallyCompose(failure -> Failures.unwrap(failure) instanceof RedisNoScriptException
                ? redis.eval(ReserveScript.SOURCE, ScriptOutputType.MULTI, keys, args)
                : CompletableFuture.failedFuture(failure));
    }


    private static LimitOutcome toOutcome(List<Object> answer, LimitRequest request) {
        List<RateCheck> rates = request.rates();
        boolean admitted = number(answer, 0) == 1;
        int deniedIndex = (int) number(answer, 1);
        long retryAfter = number(answer, 2);
        List<RateState> states = new ArrayList<>(rates.size());
        for (int i = 0; i < rates.size(); i++) {
            states.add(new RateState(rates.get(i).rule(), number(answer, 3 + 2 * i), number(answer, 4 + 2 * i)));
        }
        if (admitted) {
            ConcurrencyCheck concurrency = request.concurrency();
            Reservation reservation = new Reservation(concurrency == null ? null : concurrency.key(), request.holder(), false);
            return new LimitOutcome(LimitOutcome.Verdict.ADMITTED, null, 0, states, reservation, false);
        }
        boolean byConcurrency = deniedIndex == rates.size() + 1;
        return new LimitOutcome(
                byConcurrency ? LimitOutcome.Verdict.CONCURRENCY_LIMITED : LimitOutcome.Verdict.RATE_LIMITED,
                byConcurrency ? LimitOutcome.CONCURRENCY : rates.get(deniedIndex - 1).rule().name(),
                Math.max(1, retryAfter), states, null, false);
    }

    private static long number(List<Object> answer, int index) {
        return ((Number) answer.get(index)).longValue();
    }

    @Override
    public CompletionStage<Void> release(Reservation reservation) {
        if (reservation == null || reservation.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        String key = concurrencyKey(reservation.concurrencyKey());
        return connector.commands()
                .thenCompose(redis -> redis.zrem(key, reservation.holder()))
                .thenApply(removed -> null);
    }

    String rateKey(String limitKey) {
        return prefix + "rl:{" + limitKey + "}";
    }

    String concurrencyKey(String limitKey) {
        return prefix + "cc:{" + limitKey + "}";
    }

    @Override
    public void close() {
        connector.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
