package io.gatewaystack.limits.agent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts of {@link RedisWorkflowStore}: one atomic script per check, one per cost update.
 *
 * <p>Keys of one workflow share the hash tag {@code {<workflow key>}}, so a script only ever touches one Redis
 * Cluster slot. Time is the Redis primary's {@code TIME}, so replicas with skewed clocks share one timeline.
 */
final class GuardScripts {

    /**
     * Check and count. {@code KEYS[1]} the workflow hash (fields {@code f} first call ms, {@code l} last call ms,
     * {@code c} calls, {@code m} cost micros), {@code KEYS[2]} (optional) the loop log of this call's fingerprint:
     * a list of admission times, newest first. {@code ARGV}: max calls, max duration ms, max cost micros, loop max
     * repeats, loop window ms, idle TTL ms (0 = off for the caps).
     * Answer: {@code [admitted 1|0, cap (0 none, 1 calls, 2 duration, 3 cost, 4 loop), retry ms, calls, cost,
     * repeats]}.
     *
     * <p>Loop entries older than the workflow's first call belong to an earlier workflow of the same id (it
     * expired while the list lived on) and are dropped. Every key written gets an expiry: the hash its idle TTL, a
     * loop log its window.
     */
    static final String CHECK = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local maxCalls = tonumber(ARGV[1])
            local maxDuration = tonumber(ARGV[2])
            local maxCost = tonumber(ARGV[3])
            local loopMax = tonumber(ARGV[4])
            local window = tonumber(ARGV[5])
            local idle = tonumber(ARGV[6])
            local wf = KEYS[1]
            local h = redis.call('HMGET', wf, 'f', 'l', 'c', 'm')
            local first = now
            local last = nil
            local calls = 0
            local cost = 0
            if h[1] and h[2] then
              last = tonumber(h[2])
              if now < last then now = last end
              if now - last >= idle then
                redis.call('DEL', wf)
                last = nil
              else
                first = tonumber(h[1])
                calls = tonumber(h[3] or '0')
                cost = tonumber(h[4] or '0')
              end
            end
            local untilExpiry = idle
            if last then untilExpiry = last + idle - now end
            local cap = 0
            local retry = 0
            if maxCalls > 0 and calls >= maxCalls then
              cap = 1 retry = untilExpiry
            elseif maxDuration > 0 and last and now - first >= maxDuration then
              cap = 2 retry = untilExpiry
            elseif maxCost > 0 and cost >= maxCost then
              cap = 3 retry = untilExpiry
            end
            local lk = KEYS[2]
            local repeats = 0
            if lk and loopMax > 0 then
              local cutoff = now - window
              local oldest = redis.call('LINDEX', lk, -1)
              while oldest and (tonumber(oldest) <= cutoff or tonumber(oldest) < first) do
                redis.call('RPOP', lk)
                oldest = redis.call('LINDEX', lk, -1)
              end
              repeats = redis.call('LLEN', lk)
              if cap == 0 and repeats >= loopMax then
                cap = 4 retry = tonumber(oldest) + window - now
              end
            end
            if cap ~= 0 then
              return {0, cap, retry, calls, cost, repeats}
            end
            local stamp = string.format('%.0f', now)
            if not last then redis.call('HSET', wf, 'f', stamp, 'm', 0) end
            calls = redis.call('HINCRBY', wf, 'c', 1)
            redis.call('HSET', wf, 'l', stamp)
            redis.call('PEXPIRE', wf, idle)
            if lk and loopMax > 0 then
              redis.call('LPUSH', lk, stamp)
              redis.call('PEXPIRE', lk, window)
              repeats = repeats + 1
            end
            return {1, 0, 0, calls, cost, repeats}
            """;

    /** Adds {@code ARGV[1]} micros to the workflow {@code KEYS[1]} if it still exists. Answer: the new cost or -1. */
    static final String ADD_COST = """
            if redis.call('EXISTS', KEYS[1]) == 1 then
              return redis.call('HINCRBY', KEYS[1], 'm', ARGV[1])
            end
            return -1
            """;

    static final String CHECK_SHA1 = sha1(CHECK);
    static final String ADD_COST_SHA1 = sha1(ADD_COST);

    private GuardScripts() {
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is a required JDK algorithm", e);
        }
    }
}
