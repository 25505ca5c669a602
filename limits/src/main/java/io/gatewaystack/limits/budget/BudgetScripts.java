package io.gatewaystack.limits.budget;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts of the Redis budget store. Redis runs a script atomically, so no request of any replica
 * interleaves with a reserve or a settle.
 *
 * <p>Each counter is one hash {@code bh:{k}}: fields {@code spent} and {@code reserved} (integers; the reserve
 * computes {@code reserved} in Lua, whose numbers are doubles, so counters are exact up to 2^53, about 9 * 10^15
 * micro-units; the check against the cap always was in Lua numbers), {@code r:<holder>} = {@code <amount>:<expiry ms>} per open reservation,
 * {@code x:<holder>} = {@code <amount>} per reservation that expired unsettled, and {@code next}, a lower bound of the
 * earliest expiry among the open reservations (absent when none is open). Time is the Redis primary's {@code TIME}.
 *
 * <p>Why this shape: a reserve reads everything it needs with one {@code HMGET} and writes with one {@code HSET}, so a
 * reserve on two counters is 5 Redis calls ({@code TIME} included) instead of the 21 of the earlier layout with a
 * sorted set of expiries per counter, and a settle is 4 calls per counter instead of 6. Dead reservations are found by scanning the hash ({@code HGETALL}) only once {@code next}
 * has passed: with requests that settle, that is about once per reservation TTL per counter.
 */
final class BudgetScripts {

    /**
     * {@code expire(h, now, next)} moves the expired reservations of hash h to tombstones, gives their amounts back
     * and rewrites {@code next}; it does nothing (no call) while {@code next} is absent or in the future. {@code next}
     * is the field as {@code HMGET} read it (false when absent). Returns the amount freed, the field's value after
     * (false when absent) and whether the hash was scanned.
     */
    private static final String EXPIRE = """
            local function expire(h, now, next)
              if not next or tonumber(next) > now then return 0, next, false end
              local all = redis.call('HGETALL', h)
              local freed = 0
              local earliest = nil
              for i = 1, #all, 2 do
                local f = all[i]
                if string.sub(f, 1, 2) == 'r:' then
                  local v = all[i + 1]
                  local sep = string.find(v, ':', 1, true)
                  local a = tonumber(string.sub(v, 1, sep - 1))
                  local e = tonumber(string.sub(v, sep + 1))
                  if e <= now then
                    freed = freed + a
                    redis.call('HDEL', h, f)
                    redis.call('HSET', h, 'x:' .. string.sub(f, 3), a)
                  elseif earliest == nil or e < earliest then
                    earliest = e
                  end
                end
              end
              if freed > 0 then redis.call('HINCRBY', h, 'reserved', -freed) end
              if earliest then
                earliest = string.format('%.0f', earliest)
                redis.call('HSET', h, 'next', earliest)
              else
                earliest = false
                redis.call('HDEL', h, 'next')
              end
              return freed, earliest, true
            end
            local function now_ms()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            """;

    /**
     * KEYS: per check its hash. ARGV: {@code n, holder, ttl ms, grace ms}, then per check {@code cap, amount,
     * period end ms}. Answer: {@code [admitted 1|0, denied index (0 none), retry ms, then per check spent, reserved]}.
     * A holder that already has a reservation on a counter has it replaced.
     */
    static final String RESERVE = EXPIRE + """
            local now = now_ms()
            local n = tonumber(ARGV[1])
            local field = 'r:' .. ARGV[2]
            local expiry = now + tonumber(ARGV[3])
            local stamp = string.format('%.0f', expiry)
            local grace = tonumber(ARGV[4])
            local denied = 0
            local retry = 0
            local spent, reserved, previous, next, fresh = {}, {}, {}, {}, {}
            for i = 1, n do
              local h = KEYS[i]
              local v = redis.call('HMGET', h, 'spent', 'reserved', field, 'next')
              local freed, bound, scanned = expire(h, now, v[4])
              local mine = v[3]
              if scanned then mine = redis.call('HGET', h, field) end
              fresh[i] = not v[2]
              spent[i] = tonumber(v[1]) or 0
              reserved[i] = (tonumber(v[2]) or 0) - freed
              next[i] = bound
              previous[i] = mine and tonumber(string.sub(mine, 1, string.find(mine, ':', 1, true) - 1)) or 0
              local cap = tonumber(ARGV[2 + 3 * i])
              local amount = tonumber(ARGV[3 + 3 * i])
              local finish = tonumber(ARGV[4 + 3 * i])
              if spent[i] + reserved[i] + amount > cap then
                if finish - now > retry then retry = finish - now end
                if denied == 0 then denied = i end
              end
            end
            local result = {0, denied, retry}
            if denied == 0 then result[1] = 1 end
            for i = 1, n do
              local h = KEYS[i]
              if denied == 0 then
                local amount = ARGV[3 + 3 * i]
                reserved[i] = reserved[i] - previous[i] + tonumber(amount)
                local total = string.format('%.0f', reserved[i])
                if next[i] and tonumber(next[i]) <= expiry then
                  redis.call('HSET', h, 'reserved', total, field, amount .. ':' .. stamp)
                else
                  redis.call('HSET', h, 'reserved', total, field, amount .. ':' .. stamp, 'next', stamp)
                end
                if fresh[i] then
                  redis.call('PEXPIREAT', h, tonumber(ARGV[4 + 3 * i]) + grace)
                end
              end
              result[2 + 2 * i] = spent[i]
              result[3 + 2 * i] = reserved[i]
            end
            return result
            """;

    /**
     * KEYS: per check its hash. ARGV: {@code n, holder}, then per check {@code actual}. Idempotent: only an open or
     * expired reservation of the holder is settled; a repeated settle finds neither.
     */
    static final String SETTLE = """
            local n = tonumber(ARGV[1])
            local open = 'r:' .. ARGV[2]
            local dead = 'x:' .. ARGV[2]
            for i = 1, n do
              local h = KEYS[i]
              local actual = tonumber(ARGV[2 + i])
              local v = redis.call('HMGET', h, open, dead)
              local settle = false
              if v[1] then
                local a = tonumber(string.sub(v[1], 1, string.find(v[1], ':', 1, true) - 1))
                if a ~= 0 then redis.call('HINCRBY', h, 'reserved', -a) end
                redis.call('HDEL', h, open)
                settle = true
              elseif v[2] then
                redis.call('HDEL', h, dead)
                settle = true
              end
              if settle and actual > 0 then
                redis.call('HINCRBY', h, 'spent', actual)
              end
            end
            return {1}
            """;

    /** KEYS: per check its hash. ARGV: {@code n}. Answer: {@code [now, then per check spent, reserved]}. */
    static final String READ = EXPIRE + """
            local now = now_ms()
            local n = tonumber(ARGV[1])
            local result = {now}
            for i = 1, n do
              local h = KEYS[i]
              local v = redis.call('HMGET', h, 'spent', 'reserved', 'next')
              local freed = expire(h, now, v[3])
              result[2 * i] = tonumber(v[1]) or 0
              result[2 * i + 1] = (tonumber(v[2]) or 0) - freed
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
