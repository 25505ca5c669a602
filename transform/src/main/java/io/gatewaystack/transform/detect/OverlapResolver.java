package io.gatewaystack.transform.detect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Makes findings non-overlapping, deterministically: candidates are ranked by higher confidence, then longer
 * span, then earlier start, then type name; each is kept unless it overlaps one already kept. The result is sorted
 * by start. So a Luhn-valid card (0.9) beats the phone number (0.7) inside it, and "a@192.168.1.1.com" stays one
 * email instead of an email and an IP address.
 */
public final class OverlapResolver {

    /** One explicit method rather than a chain of comparators: it runs n log n times per scan of dense text. */
    private static final Comparator<Finding> RANK = (a, b) -> {
        int c = Double.compare(b.confidence(), a.confidence());
        if (c != 0) return c;
        c = Integer.compare(b.length(), a.length());
        if (c != 0) return c;
        c = Integer.compare(a.start(), b.start());
        return c != 0 ? c : a.type().compareTo(b.type());
    };

    private static final Comparator<Finding> BY_START = Comparator.comparingInt(Finding::start);
    /** clusters up to this size are resolved with a plain scan of the kept ones, larger ones with a tree */
    private static final int SMALL_CLUSTER = 16;

    private OverlapResolver() {}

    /**
     * The findings sorted by start fall into clusters: maximal runs where each finding starts before the furthest
     * end so far. A finding can only overlap findings of its own cluster, so the ranking decides within each
     * cluster alone, with the same result as ranking all findings at once; and most findings in real text are a
     * cluster of one, which needs no ranking at all.
     */
    public static List<Finding> resolve(List<Finding> candidates) {
        int n = candidates.size();
        if (n <= 1) return List.copyOf(candidates);
        Finding[] byStart = candidates.toArray(new Finding[0]);
        Arrays.sort(byStart, BY_START); // the scanner adds findings almost in start order: close to linear
        List<Finding> out = new ArrayList<>(n);
        int i = 0;
        while (i < n) {
            int end = byStart[i].end();
            int j = i + 1;
            while (j < n && byStart[j].start() < end) end = Math.max(end, byStart[j++].end());
            if (j == i + 1) out.add(byStart[i]);
            else resolveCluster(Arrays.copyOfRange(byStart, i, j), out);
            i = j;
        }
        return Collections.unmodifiableList(out);
    }

    /** Ranks one cluster and adds the findings it keeps to {@code out}, by start. */
    private static void resolveCluster(Finding[] cluster, List<Finding> out) {
        Arrays.sort(cluster, RANK);
        if (cluster.length <= SMALL_CLUSTER) {
            List<Finding> kept = new ArrayList<>(4);
            for (Finding f : cluster) {
                boolean free = true;
                for (Finding k : kept) if (k.overlaps(f)) { free = false; break; }
                if (free) kept.add(f);
            }
            kept.sort(BY_START);
            out.addAll(kept);
            return;
        }
        // kept spans are disjoint, so only the kept span starting last before f.end can overlap f
        TreeMap<Integer, Finding> kept = new TreeMap<>();
        for (Finding f : cluster) {
            Map.Entry<Integer, Finding> before = kept.lowerEntry(f.end());
            if (before == null || before.getValue().end() <= f.start()) kept.put(f.start(), f);
        }
        out.addAll(kept.values());
    }
}
