package io.gatewaystack.limits.budget;

import io.gatewaystack.core.Failures;
import io.gatewaystack.limits.store.RedisConnector;
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
 * Budgets shared by every gateway replica through one Redis: one atomic Lua script per reserve, per settle and per
 * read ({@link BudgetScripts}), so N replicas enforce one global budget.
 *
 * <p>A counter is one hash, {@code <prefix>bh:{<counter>}} (layout in {@link BudgetScripts}); it expires an hour after
 * its period ends. As with the rate store, a request with several counters touches several hash slots, which a single
 * Redis (or primary with replicas) allows and Redis Cluster does not; this version uses the standalone client.
 */
public final class RedisBudgetStore implements BudgetStore {

    private static final long GRACE_MILLIS = Duration.ofHours(1).toMillis();

    private final RedisClient client;
    private final RedisConnector connector;
    private final String prefix;

    public RedisBudgetStore(String redisUrl, String keyPrefix, Duration commandTimeout) {
        Objects.requireNonNull(redisUrl, "redisUrl");
        this.prefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
        this.client = RedisConnector.newClient(commandTimeout);
        this.connector = new RedisConnector(client, RedisConnector.uri(redisUrl, commandTimeout), 1000);
    }

    @Override
    public CompletionStage<BudgetOutcome> reserve(BudgetRequest request) {
        List<BudgetCheck> checks = request.checks();
        int n = checks.size();
        String[] args = new String[4 + 3 * n];
        args[0] = Integer.toString(n);
        args[1] = request.holder();
        args[2] = Long.toString(request.reservationTtl());
        args[3] = Long.toString(GRACE_MILLIS);
        for (int i = 0; i < n; i++) {
            BudgetCheck check = checks.get(i);
            args[4 + 3 * i] = Long.toString(check.rule().cap());
            args[5 + 3 * i] = Long.toString(check.amount());
            args[6 + 3 * i] = Long.toString(check.periodEnd());
        }
        return run(BudgetScripts.RESERVE_SHA, BudgetScripts.RESERVE, keys(checks), args)
                .thenApply(answer -> toOutcome(answer, request));
    }

    private static BudgetOutcome toOutcome(List<Object> answer, BudgetRequest request) {
        List<BudgetCheck> checks = request.checks();
        boolean admitted = number(answer, 0) == 1;
        int denied = (int) number(answer, 1);
        long retry = number(answer, 2);
        long now = System.currentTimeMillis();
        List<BudgetState> states = new ArrayList<>(checks.size());
        for (int i = 0; i < checks.size(); i++) {
            BudgetCheck check = checks.get(i);
            long spent = number(answer, 3 + 2 * i);
            long reserved = number(answer, 4 + 2 * i);
            states.add(BudgetState.of(check.rule(), spent, reserved, check.periodEnd() - now));
        }
        if (admitted) {
            return new BudgetOutcome(BudgetOutcome.Verdict.ADMITTED, null, 0, states,
                    new BudgetHold(request.holder(), checks, false), false);
        }
        return new BudgetOutcome(BudgetOutcome.Verdict.EXCEEDED, checks.get(denied - 1).rule(), Math.max(1, retry),
                states, null, false);
    }

    @Override
    public CompletionStage<Void> settle(Settlement settlement) {
        List<Settlement.Charge> charges = settlement.charges();
        int n = charges.size();
        String[] keys = new String[n];
        String[] args = new String[2 + n];
        args[0] = Integer.toString(n);
        args[1] = settlement.holder();
        for (int i = 0; i < n; i++) {
            Settlement.Charge charge = charges.get(i);
            keys[i] = hashKey(charge.key());
            args[2 + i] = Long.toString(charge.actual());
        }
        return run(BudgetScripts.SETTLE_SHA, BudgetScripts.SETTLE, keys, args).thenApply(answer -> null);
    }

    @Override
    public CompletionStage<List<BudgetState>> read(List<BudgetCheck> checks) {
        if (checks.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        String[] args = {Integer.toString(checks.size())};
        return run(BudgetScripts.READ_SHA, BudgetScripts.READ, keys(checks), args).thenApply(answer -> {
            long now = number(answer, 0);
            List<BudgetState> states = new ArrayList<>(checks.size());
            for (int i = 0; i < checks.size(); i++) {
                BudgetCheck check = checks.get(i);
                long spent = number(answer, 1 + 2 * i);
                long reserved = number(answer, 2 + 2 * i);
                states.add(BudgetState.of(check.rule(), spent, reserved, check.periodEnd() - now));
            }
            return states;
        });
    }

    private String[] keys(List<BudgetCheck> checks) {
        String[] keys = new String[checks.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = hashKey(checks.get(i).key());
        }
        return keys;
    }

    /** The "bh" names this layout (see {@link BudgetScripts}); an earlier one used "bg" and "bz" keys. */
    String hashKey(String counter) {
        return prefix + "bh:{" + counter + "}";
    }

    private CompletionStage<List<Object>> run(String sha, String source, String[] keys, String[] args) {
        return connector.commands().thenCompose(redis -> evalsha(redis, sha, source, keys, args));
    }

    private static CompletionStage<List<Object>> evalsha(RedisAsyncCommands<String, String> redis, String sha,
                                                          String source, String[] keys, String[] args) {
        CompletionStage<List<Object>> first = redis.evalsha(sha, ScriptOutputType.MULTI, keys, args);
        return first.exceptionallyCompose(failure -> Failures.unwrap(failure) instanceof RedisNoScriptException
                ? redis.eval(source, ScriptOutputType.MULTI, keys, args)
                : CompletableFuture.failedFuture(failure));
    }

    private static long number(List<Object> answer, int index) {
        return ((Number) answer.get(index)).longValue();
    }

    @Override
    public void close() {
        connector.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
