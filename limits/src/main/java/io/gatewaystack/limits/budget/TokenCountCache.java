package io.gatewaystack.limits.budget;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

/**
 * Token counts of texts seen before, so a conversation that resends its history (system prompt, earlier turns, tool
 * schemas) on every call has only its new text tokenized. Keyed by the SHA-256 of the text and the encoding, so a
 * crafted text cannot collide with another; hashing runs at hundreds of MB/s where BPE counting runs at about
 * 20 MB/s.
 *
 * <p>Bounded without a lock: two generations of at most {@code capacity / 2} entries each. A lookup checks the
 * young generation, then the old one (promoting a hit); when the young one is full it becomes the old one and the
 * previous old one is dropped. So at most {@code capacity} entries are held, and a text used at least once per
 * {@code capacity / 2} insertions stays. Races between threads can only lose an entry (counted again later).
 */
final class TokenCountCache {

    /** Texts shorter than this are counted directly: hashing and lookup would cost about as much. */
    static final int MIN_CHARS = 128;

    private record Key(int encoding, long a, long b, long c, long d) {
    }

    private final int generationSize;
    private volatile ConcurrentHashMap<Key, Long> young = new ConcurrentHashMap<>();
    private volatile ConcurrentHashMap<Key, Long> old = new ConcurrentHashMap<>();

    /** @param capacity the most entries held; 0 disables caching */
    TokenCountCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity cannot be negative");
        }
        this.generationSize = capacity / 2;
    }

    /** The count of {@code text} under encoding number {@code encoding}, from the cache or from {@code counter}. */
    long count(String text, int encoding, ToLongFunction<String> counter) {
        if (generationSize == 0 || text.length() < MIN_CHARS) {
            return counter.applyAsLong(text);
        }
        Key key = key(text, encoding);
        ConcurrentHashMap<Key, Long> y = young;
        Long hit = y.get(key);
        if (hit == null) {
            hit = old.get(key);
            if (hit == null) {
                hit = counter.applyAsLong(text);
            }
            put(y, key, hit);
        }
        return hit;
    }

    private void put(ConcurrentHashMap<Key, Long> y, Key key, Long count) {
        y.put(key, count);
        if (y.size() >= generationSize) {
            synchronized (this) {
                if (young == y) { // one thread rotates; the others keep using what they read
                    old = y;
                    young = new ConcurrentHashMap<>();
                }
            }
        }
    }

    /** Entries held now; for tests. */
    int size() {
        return young.size() + old.size();
    }

    private static Key key(String text, int encoding) {
        byte[] digest = sha256().digest(text.getBytes(StandardCharsets.UTF_8));
        return new Key(encoding, longAt(digest, 0), longAt(digest, 8), longAt(digest, 16), longAt(digest, 24));
    }

    private static long longAt(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }
}
