package io.gatewaystack.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.gatewaystack.core.Identity;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Remembers tokens that passed verification, so the hot path (the same token on every request of a session) costs a
 * hash and a map lookup instead of a signature check.
 *
 * <ul>
 *   <li>Keyed by the SHA-256 of the token, never the token itself: a heap dump does not hand out bearer tokens.</li>
 *   <li>An entry is served until the earlier of the token's {@code exp} and one JWKS TTL after it was verified; after
 *       that the token is verified again, which is also what makes the key set be re-fetched.</li>
 *   <li>{@link #invalidateIssuer} drops an issuer's entries when a key disappears from its JWKS, so a removed key
 *       stops working at once instead of at the tokens' expiry.</li>
 *   <li>Bounded by size (Caffeine's W-TinyLFU); size 0 disables it.</li>
 * </ul>
 */
final class VerifiedTokenCache {

    /** 256 bits of SHA-256; a record for value equality. */
    record TokenHash(long a, long b, long c, long d) {
    }

    private record Entry(Identity identity, Instant validUntil) {
    }

    private final Cache<TokenHash, Entry> cache;
    private final Duration maxAge;
    private final Clock clock;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    VerifiedTokenCache(int maximumSize, Duration maxAge, Clock clock) {
        this.maxAge = maxAge;
        this.clock = clock;
        this.cache = maximumSize <= 0 ? null : Caffeine.newBuilder()
                // bookkeeping on the reading thread, amortised: handing it to the common pool woke a thread for a
                // few microseconds of work every few reads (~20 µs of CPU per request in profiles)
                .executor(Runnable::run)
                .maximumSize(maximumSize)
                .expireAfter(Expiry.creating((TokenHash key, Entry entry) ->
                        Duration.between(clock.instant(), entry.validUntil())))
                .build();
    }

    boolean enabled() {
        return cache != null;
    }

    TokenHash hash(String token) {
        return hash(token, 0, token.length());
    }

    /**
     * The hash of {@code chars[start, end)}, the UTF-8 bytes of that token. Runs on every request, so it copies an
     * ASCII token (every JWT is) into a per-thread buffer instead of allocating its bytes; anything else takes the
     * plain {@code getBytes} path, so both give the same hash.
     */
    TokenHash hash(String chars, int start, int end) {
        Scratch scratch = this.scratch.get();
        MessageDigest digest = scratch.digest;
        int length = end - start;
        int copied = length <= Scratch.MAX_ASCII ? copyAscii(chars, start, length, scratch.ascii) : 0;
        if (copied == length) {
            digest.update(scratch.ascii, 0, length);
        } else {
            digest.update(chars.substring(start, end).getBytes(StandardCharsets.UTF_8));
        }
        try {
            digest.digest(scratch.sum, 0, scratch.sum.length);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("SHA-256 output buffer", e);
        }
        ByteBuffer sum = scratch.sumView;
        return new TokenHash(sum.getLong(0), sum.getLong(8), sum.getLong(16), sum.getLong(24));
    }

    /** Copies chars into {@code out} up to the first non-ASCII one; how many it copied. */
    private static int copyAscii(String chars, int start, int length, byte[] out) {
        for (int i = 0; i < length; i++) {
            char c = chars.charAt(start + i);
            if (c >= 0x80) {
                return i;
            }
            out[i] = (byte) c;
        }
        return length;
    }

    /** One thread's digest and buffers. */
    private static final class Scratch {
        /** Longer tokens (rare: maxTokenLength is usually 8 KiB or less) are hashed through getBytes. */
        static final int MAX_ASCII = 16 * 1024;
        final MessageDigest digest = newDigest();
        final byte[] ascii = new byte[MAX_ASCII];
        final byte[] sum = new byte[32];
        final ByteBuffer sumView = ByteBuffer.wrap(sum);
    }

    /** The identity of a still-valid cached token, else null. Non-blocking. */
    Identity get(TokenHash key) {
        if (cache == null) {
            return null;
        }
        Entry entry = cache.getIfPresent(key);
        // Caffeine evicts lazily: check the deadline ourselves so an expired token is never served.
        return entry != null && clock.instant().isBefore(entry.validUntil()) ? entry.identity() : null;
    }

    void put(TokenHash key, Identity identity) {
        if (cache == null) {
            return;
        }
        Instant now = clock.instant();
        Instant validUntil = identity.expiresAt();
        Instant ageLimit = now.plus(maxAge);
        if (ageLimit.isBefore(validUntil)) {
            validUntil = ageLimit;
        }
        if (validUntil.isAfter(now)) { // a token accepted within the clock skew is not cached past its exp
            cache.put(key, new Entry(identity, validUntil));
        }
    }

    void invalidate(TokenHash key) {
        if (cache != null) {
            cache.invalidate(key);
        }
    }

    void invalidateIssuer(String normalizedIssuer) {
        if (cache != null) {
            cache.asMap().values().removeIf(entry -> entry.identity().issuer().equals(normalizedIssuer));
        }
    }

    void clear() {
        if (cache != null) {
            cache.invalidateAll();
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
