package io.gatewaystack.limits.store;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The rate logs of {@link MemoryLimitStore} by key: a concurrent hash table whose slots hold the logs themselves.
 *
 * <p>Why not a {@code ConcurrentHashMap}: with many keys a check is bound by memory latency (the working set is far
 * larger than the CPU caches), and a map entry is one more object to fetch between the table and the log. Here the
 * slot points at the log, and the log carries its key and hash, so a lookup touches the slot and the log it was
 * going to lock anyway.
 *
 * <p>Open addressing with linear probing, split into {@link #STRIPES} stripes by hash. Lookups take no lock: they
 * read the stripe's current slot array (slots are read and written with volatile semantics, so a log is seen fully
 * built). Inserts, removals and resizes of a stripe hold that stripe's monitor; a removed slot becomes
 * {@link #REMOVED} until the next resize drops it. A lookup racing with a resize or removal may miss a log that
 * exists; callers then go through {@link #getOrCreate}, which looks again under the lock. A removed log is marked
 * {@code evicted} by its remover first, so a caller that found it just before retries.
 */
final class LogTable {

    static final int STRIPES = 64;
    private static final int INITIAL_SLOTS = 16;
    /** Marks a slot whose log was removed (probing must go on past it); never returned, locked or changed. */
    private static final SlidingLog REMOVED = new SlidingLog("", 0, 1, 1);

    private static final class Stripe {
        volatile AtomicReferenceArray<SlidingLog> slots = new AtomicReferenceArray<>(INITIAL_SLOTS);
        /** Live entries, and slots taken by live or removed entries; both guarded by the stripe's monitor. */
        int live;
        int used;
    }

    private final Stripe[] stripes = new Stripe[STRIPES];

    LogTable() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** The hash the table uses for a key: the string hash, spread so both low and high bits vary. */
    static int hash(String key) {
        int h = key.hashCode();
        return h ^ (h >>> 16);
    }

    private Stripe stripe(int hash) {
        return stripes[(hash >>> 26) & (STRIPES - 1)];
    }

    /** The log of {@code key}, or null; lock-free, and may miss a log inserted or moved concurrently. */
    SlidingLog get(String key, int hash) {
        return find(stripe(hash).slots, key, hash);
    }

    private static SlidingLog find(AtomicReferenceArray<SlidingLog> slots, String key, int hash) {
        int mask = slots.length() - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            SlidingLog log = slots.get(i);
            if (log == null) {
                return null;
            }
            if (log.hash == hash && log != REMOVED && (log.key == key || log.key.equals(key))) {
                return log;
            }
        }
    }

    /** The log of {@code key}, created with {@code max} and {@code windowMillis} if there is none. */
    SlidingLog getOrCreate(String key, int hash, int max, long windowMillis) {
        SlidingLog found = get(key, hash);
        if (found != null) {
            return found;
        }
        Stripe stripe = stripe(hash);
        synchronized (stripe) {
            found = find(stripe.slots, key, hash);
            if (found != null) {
                return found;
            }
            SlidingLog log = new SlidingLog(key, hash, max, windowMillis);
            if ((stripe.used + 1) * 2 > stripe.slots.length()) {
                resize(stripe, stripe.live + 1);
            }
            place(stripe.slots, log);
            stripe.live++;
            stripe.used++;
            return log;
        }
    }

    /** Removes {@code log} if it is still the entry of its key; the caller has marked it evicted. */
    void remove(SlidingLog log) {
        Stripe stripe = stripe(log.hash);
        synchronized (stripe) {
            AtomicReferenceArray<SlidingLog> slots = stripe.slots;
            int mask = slots.length() - 1;
            for (int i = log.hash & mask; ; i = (i + 1) & mask) {
                SlidingLog at = slots.get(i);
                if (at == null) {
                    return;
                }
                if (at == log) {
                    slots.set(i, REMOVED);
                    stripe.live--;
                    if (stripe.live * 8 < slots.length() && slots.length() > INITIAL_SLOTS) {
                        resize(stripe, stripe.live); // shrink after a sweep emptied most of the stripe
                    }
                    return;
                }
            }
        }
    }

    /** Rebuilds the stripe's slots for {@code entries} live logs, dropping removed slots; holds the stripe lock. */
    private static void resize(Stripe stripe, int entries) {
        int size = INITIAL_SLOTS;
        while (size < entries * 4) {
            size <<= 1;
        }
        AtomicReferenceArray<SlidingLog> old = stripe.slots;
        AtomicReferenceArray<SlidingLog> fresh = new AtomicReferenceArray<>(size);
        int live = 0;
        for (int i = 0; i < old.length(); i++) {
            SlidingLog log = old.get(i);
            if (log != null && log != REMOVED) {
                place(fresh, log);
                live++;
            }
        }
        stripe.slots = fresh;
        stripe.live = live;
        stripe.used = live;
    }

    private static void place(AtomicReferenceArray<SlidingLog> slots, SlidingLog log) {
        int mask = slots.length() - 1;
        int i = log.hash & mask;
        while (slots.get(i) != null) {
            i = (i + 1) & mask;
        }
        slots.set(i, log);
    }

    /** Calls {@code action} with every log present at some point during the walk (a weakly consistent view). */
    void forEach(Consumer<SlidingLog> action) {
        for (Stripe stripe : stripes) {
            AtomicReferenceArray<SlidingLog> slots = stripe.slots;
            for (int i = 0; i < slots.length(); i++) {
                SlidingLog log = slots.get(i);
                if (log != null && log != REMOVED) {
                    action.accept(log);
                }
            }
        }
    }

    /** How many logs are held. */
    int size() {
        int total = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                total += stripe.live;
            }
        }
        return total;
    }

    void clear() {
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                stripe.slots = new AtomicReferenceArray<>(INITIAL_SLOTS);
                stripe.live = 0;
                stripe.used = 0;
            }
        }
    }
}
