package io.gatewaystack.limits.store;

/**
 * The admission times of one counter, oldest first, in a ring that grows up to the rule's max.
 *
 * <p>A request at time {@code now} is admitted iff fewer than {@code max} admissions lie in {@code (now - window,
 * now]}. Expired times are dropped from the oldest end, so each check is amortised O(1) and memory is at most
 * {@code max} longs per active key. Only admissions are logged, never denials, so a client that keeps retrying
 * still gets its full rate back.
 *
 * <p>Not thread-safe: the store locks the instance (its monitor) around every use.
 */
final class SlidingLog {

    /** The counter's key and its {@link LogTable#hash}: the table finds a log by these, with no entry object. */
    final String key;
    final int hash;
    /** The window of the rule this log counts for; the sweeper uses it to tell idle logs. */
    final long windowMillis;
    private long[] times;
    private int head;
    private int size;
    /** Set under the lock when the sweeper removed this log from the map; a holder must look it up again. */
    boolean evicted;

    SlidingLog(String key, int hash, int max, long windowMillis) {
        this.key = key;
        this.hash = hash;
        this.windowMillis = windowMillis;
        this.times = new long[Math.min(max, 8)];
    }

    /** Drops admissions at or before {@code now - windowMillis}; returns how many remain. */
    int expire(long now, long windowMillis) {
        long cutoff = now - windowMillis;
        while (size > 0 && times[head] <= cutoff) {
            head = head + 1 == times.length ? 0 : head + 1;
            size--;
        }
        return size;
    }

    int size() {
        return size;
    }

    /** The oldest counted admission; only valid when {@link #size()} is positive. */
    long oldest() {
        return times[head];
    }

    /** Records an admission. The caller has checked that {@code size() < max}. */
    void add(long now, int max) {
        if (size == times.length) {
            grow(max);
        }
        int tail = head + size;
        if (tail >= times.length) {
            tail -= times.length;
        }
        // Keep the log sorted even if the wall clock steps back: a later admission is never older than an earlier one.
        long newest = size == 0 ? now : times[tail == 0 ? times.length - 1 : tail - 1];
        times[tail] = Math.max(now, newest);
        size++;
    }

    private void grow(int max) {
        int capacity = (int) Math.min(max, Math.max(8L, times.length * 2L));
        long[] bigger = new long[capacity];
        for (int i = 0; i < size; i++) {
            int from = head + i;
            bigger[i] = times[from >= times.length ? from - times.length : from];
        }
        times = bigger;
        head = 0;
    }
}
