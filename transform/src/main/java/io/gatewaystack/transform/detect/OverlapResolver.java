package io.gatewaystack.transform.detect;

import java.util.ArrayList;
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

    private OverlapResolver() {}

    public static List<Finding> resolve(List<Finding> candidates) {
        if (candidates.size() <= 1) return List.copyOf(candidates);
        List<Finding> ranked = new ArrayList<>(candidates);
        ranked.sort(RANK);
        // kept spans are disjoint, so only the kept span starting last before f.end can overlap f
        TreeMap<Integer, Finding> kept = new TreeMap<>();
        for (Finding f : ranked) {
            Map.Entry<Integer, Finding> before = kept.lowerEntry(f.end());
            if (before == null || before.getValue().end() <= f.start()) kept.put(f.start(), f);
        }
        return List.copyOf(kept.values());
    }
}
