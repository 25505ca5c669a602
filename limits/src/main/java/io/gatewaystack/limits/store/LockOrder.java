package io.gatewaystack.limits.store;

import java.util.function.IntFunction;

/**
 * The order in which an in-memory store locks a request's counters: by key, the same for every request, so two
 * requests can never wait on each other's locks in a cycle.
 */
public final class LockOrder {

    private LockOrder() {
    }

    /** Indexes {@code 0..n-1} sorted by {@code keyOf(index)}. */
    public static int[] byKey(int n, IntFunction<String> keyOf) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            int j = i;
            // Insertion sort: a request has a handful of counters at most.
            while (j > 0 && keyOf.apply(order[j - 1]).compareTo(keyOf.apply(i)) > 0) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        return order;
    }
}
