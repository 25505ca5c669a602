package io.gatewaystack.limits.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one Lua script the Redis store runs per request: check every rate log and the concurrency set, then charge
 * all of them or none. Redis runs a script atomically, so no other request of any replica interleaves.
 *
 * <p>Time is the Redis primary's {@code TIME}, read inside the script, so replicas with skewed clocks still share
 * one timeline. Every key written gets an expiry (the rule's window, or the lease TTL) so idle keys disappear.
 *
 * <p>Keys: {@code KEYS[1..n]} rate logs (lists of admission times in ms, newest first), {@code KEYS[n+1]} the
 * concurrency set (members are request ids, scores their lease expiry) when ARGV[2] &gt; 0.
 * Arguments: {@code ARGV[1]} n, {@code ARGV[2]} concurrency max (0 for none), {@code ARGV[3]} lease TTL ms,
 * {@code ARGV[4]} holder, then per rate log {@code max, window ms}.
 * Answer: {@code [admitted 1|0, denied index (0 none, n+1 concurrency), retry after ms, remaining_1, reset ms_1, ...]}.
 */
final class ReserveScript {

    static final String SOURCE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local n = tonumber(ARGV[1])
            local cmax = tonumber(ARGV[2])
            local denied = 0
            local retry = 0
            local counts = {}
            for i = 1, n do
              local key = KEYS[i]
              local max = tonumber(ARGV[3 + 2 * i])
              local window = tonumber(ARGV[4 + 2 * i])
              local cutoff = now - window
              local oldest = redis.call('LINDEX', key, -1)
              while oldest and tonumber(oldest) <= cutoff do
                redis.call('RPOP', key)
                oldest = redis.call('LINDEX', key, -1)
              end
              local count = redis.call('LLEN', key)
              counts[i] = count
              if count >= max then
                local wait = tonumber(oldest) + window - now
                if wait > retry then retry = wait end
                if denied == 0 then denied = i end
              end
            end
            local ckey = KEYS[n + 1]
            if cmax > 0 then
              redis.call('ZREMRANGEBYSCORE', ckey, '-inf', now)
              if redis.call('ZCARD', ckey) >= cmax then
                if retry < 1000 then retry = 1000 end
                if denied == 0 then denied = n + 1 end
              end
            end
            local result = {0, denied, retry}
            if denied == 0 then result[1] = 1 end
            for i = 1, n do
              local key = KEYS[i]
              local max = tonumber(ARGV[3 + 2 * i])
              local window = tonumber(ARGV[4 + 2 * i])
              local count = counts[i]
              if denied == 0 then
                local at = now
                local newest = redis.call('LINDEX', key, 0)
                if newest and tonumber(newest) > at then at = tonumber(newest) end
                redis.call('LPUSH', key, string.format('%.0f', at))
                redis.call('PEXPIRE', key, at - now + window)
                count = count + 1
              end
              local remaining = max - count
              if remaining < 0 then remaining = 0 end
              local reset = 0
              if count > 0 then
                reset = tonumber(redis.call('LINDEX', key, -1)) + window - now
                if reset < 0 then reset = 0 end
              end
              result[2 + 2 * i] = remaining
              result[3 + 2 * i] = reset
            end
            if denied == 0 and cmax > 0 then
              local ttl = tonumber(ARGV[3])
              redis.call('ZADD', ckey, now + ttl, ARGV[4])
              redis.call('PEXPIRE', ckey, ttl)
            end
            return result
            """;

    static final String SHA1 = sha1(SOURCE);

    private ReserveScript() {
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is a required JDK algorithm", e);
        }
    }
}
