package io.gatewaystack.limits.budget;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts of the Redis budget store. Redis runs a script atomically, so no request of any replica
 * interleaves with a reserve or a settle.
 *
 * <p>Each counter is two keys with one hash tag: a hash {@code bg:{k}} with fields {@code spent}, {@code reserved},
 * {@code r:<holder>} (open reservations) and {@code x:<holder>} (reservations that expired unsettled), and a sorted
 * set {@code bz:{k}} of open holders scored by their expiry. Time is the Redis primary's {@code TIME}.
 */
final class BudgetScripts {

    /** Moves expired reservations of counter i (hash h, set z) to tombstones, giving their amounts back. */
    private static final String EXPIRE = """
            local function expire(h, z, now)
              local gone = redis.call('ZRANGEBYSCORE', z, '-inf', now)
              for _, m in ipairs(gone) do
                local a = redis.call('HGET', h, 'r:' .. m)
                if a then
                  redis.call('HINCRBY', h, 'reserved', -tonumber(a))
                  redis.call('HDEL', h, 'r:' .. m)
                  redis.call('HSET', h, 'x:' .. m, a)
                end
                redis.call('ZREM', z, m)
              end
            end
            local function num(h, f)
              local v = redis.call('HGET', h, f)
              if v then return tonumber(v) end
              return 0
            end
            """;

    /**
     * KEYS: per check {@code h, z}. ARGV: {@code n, holder, ttl ms, grace ms}, then per check {@code cap, amount,
     * period end ms}. Answer: {@code [admitted 1|0, denied index (0 none), retry ms, then per check spent, reserved]}.
     */
    static final String RESERVE = EXPIRE + """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local n = tonumber(ARGV[1])
            local holder = ARGV[2]
            local ttl = tonumber(ARGV[3])
            local grace = tonumber(ARGV[4])
            local denied = 0
            local retry = 0
            for i = 1, n do
              local h = KEYS[2 * i - 1]
              local z = KEYS[2 * i]
              expire(h, z, now)
              local cap = tonumber(ARGV[2 + 3 * i])
              local amount = tonumber(ARGV[3 + 3 * i])
              local finish = tonumber(ARGV[4 + 3 * i])
              if num(h, 'spent') + num(h, 'reserved') + amount > cap then
                if finish - now > retry then retry = finish - now end
                if denied == 0 then denied = i end
              end
            end
            local result = {0, denied, retry}
            if denied == 0 then result[1] = 1 end
            for i = 1, n do
              local h = KEYS[2 * i - 1]
              local z = KEYS[2 * i]
              if denied == 0 then
                local amount = tonumber(ARGV[3 + 3 * i])
                local finish = tonumber(ARGV[4 + 3 * i])
                local previous = redis.call('HGET', h, 'r:' .. holder)
                if previous then redis.call('HINCRBY', h, 'reserved', -tonumber(previous)) end
                redis.call('HINCRBY', h, 'reserved', amount)
                redis.call('HSET', h, 'r:' .. holder, amount)
                redis.call('ZADD', z, now + ttl, holder)
                redis.call('PEXPIREAT', h, finish + grace)
                redis.call('PEXPIREAT', z, finish + grace)
              end
              result[2 + 2 * i] = num(h, 'spent')
              result[3 + 2 * i] = num(h, 'reserved')
            end
            return result
            """;

    /**
     * KEYS: per check {@code h, z}. ARGV: {@code n, holder, grace ms}, then per check {@code actual, period end ms}.
     * Idempotent: only an open or expired reservation of the holder is settled; a repeated settle finds neither.
     */
    static final String SETTLE = """
            local n = tonumber(ARGV[1])
            local holder = ARGV[2]
            local grace = tonumber(ARGV[3])
            for i = 1, n do
              local h = KEYS[2 * i - 1]
              local z = KEYS[2 * i]
              local actual = tonumber(ARGV[2 + 2 * i])
              local finish = tonumber(ARGV[3 + 2 * i])
              local settle = false
              local a = redis.call('HGET', h, 'r:' .. holder)
              if a then
                redis.call('HINCRBY', h, 'reserved', -tonumber(a))
                redis.call('HDEL', h, 'r:' .. holder)
                redis.call('ZREM', z, holder)
                settle = true
              elseif redis.call('HDEL', h, 'x:' .. holder) == 1 then
                settle = true
              end
              if settle and actual > 0 then
                redis.call('HINCRBY', h, 'spent', actual)
                redis.call('PEXPIREAT', h, finish + grace)
              end
            end
            return {1}
            """;

    /** KEYS: per check {@code h, z}. ARGV: {@code n}. Answer: per check {@code spent, reserved}, expired ones dropped. */
    static final String READ = EXPIRE + """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local n = tonumber(ARGV[1])
            local result = {now}
            for i = 1, n do
              local h = KEYS[2 * i - 1]
              local z = KEYS[2 * i]
              expire(h, z, now)
              result[2 * i] = num(h, 'spent')
              result[2 * i + 1] = num(h, 'reserved')
            end
            return result
            """;

    static final String RESERVE_SHA = sha1(RESERVE);
    static final String SETTLE_SHA = sha1(SETTLE);
    static final String READ_SHA = sha1(READ);

    private BudgetScripts() {
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is a required JDK algorithm", e);
        }
    }
}
