package io.gatewaystack.server.llm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Weighted random sampling without replacement (Efraimidis and Spirakis, 2006): each target gets the key
 * {@code u^(1/weight)} for a uniform {@code u}, and the order is by key, largest first. The first target is then
 * picked with probability weight / total, and every later position is again a weighted pick among the rest, so a
 * failing pick fails over to the others in proportion to their weights. O(n log n) for n targets, a handful.
 */
final class WeightedOrder {

    private WeightedOrder() {
    }

    static List<LlmSettings.Target> of(List<LlmSettings.Target> targets, RandomGenerator random) {
        int n = targets.size();
        double[] keys = new double[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            // log(u)/w orders the same as u^(1/w) and keeps precision for large weights
            keys[i] = Math.log(1.0 - random.nextDouble()) / targets.get(i).weight();
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(keys[b], keys[a]));
        List<LlmSettings.Target> out = new ArrayList<>(n);
        for (int i : order) {
            out.add(targets.get(i));
        }
        return out;
    }
}
