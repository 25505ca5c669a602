package io.gatewaystack.server.admin;

import io.gatewaystack.audit.AuditEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last five minutes of traffic in one-second slots: requests, denials, errors and a latency histogram per
 * slot, for the console's live numbers (rate, error rate, p50/p95/p99). Fed by the audit pipeline's live feed, so
 * it counts what the audit trail counts, except the console's own calls. Percentiles come from logarithmic
 * buckets (each 25% wider than the last), so they are accurate to about ±12%.
 */
final class TrafficStats {

    static final int SECONDS = 300;
    private static final double BASE_MS = 0.05;
    private static final double RATIO = 1.25;
    private static final int BUCKETS = 80; // 0.05 ms × 1.25^80 ≈ 2.8 h: everything fits

    private final long[] second = new long[SECONDS];
    private final long[] requests = new long[SECONDS];
    private final long[] denied = new long[SECONDS];
    private final long[] errors = new long[SECONDS];
    private final int[][] latency = new int[SECONDS][BUCKETS];

    /**
     * Counts one completed request; events older than the window (a replay after restart) are ignored, and so
     * are the console's own API calls (its live streams end as "client closed" whenever a viewer leaves).
     */
    synchronized void record(AuditEvent e, long nowMillis) {
        if (e.what().route() != null && e.what().route().startsWith("admin.")) {
            return;
        }
        long s = e.time() / 1000;
        if (s <= nowMillis / 1000 - SECONDS || s > nowMillis / 1000 + 5) {
            return;
        }
        int i = (int) Math.floorMod(s, (long) SECONDS);
        if (second[i] != s) {
            second[i] = s;
            requests[i] = 0;
            denied[i] = 0;
            errors[i] = 0;
            java.util.Arrays.fill(latency[i], 0);
        }
        requests[i]++;
        if ("deny".equals(e.outcome().decision())) {
            denied[i]++;
        } else if (e.outcome().status() >= 500 || e.outcome().errorCode() != null) {
            errors[i]++;
        }
        latency[i][bucket(e.latencyMicros() / 1000.0)]++;
    }

    private static int bucket(double ms) {
        if (ms <= BASE_MS) {
            return 0;
        }
        int b = (int) Math.ceil(Math.log(ms / BASE_MS) / Math.log(RATIO));
        return Math.min(BUCKETS - 1, Math.max(0, b));
    }

    private static double upperBound(int bucket) {
        return BASE_MS * Math.pow(RATIO, bucket);
    }

    /**
     * Totals over the last {@code windowSeconds} complete seconds and a series of {@code step}-second points over
     * the whole window.
     */
    synchronized Map<String, Object> snapshot(long nowMillis, int windowSeconds, int step) {
        long now = nowMillis / 1000;
        long req = 0;
        long den = 0;
        long err = 0;
        int[] hist = new int[BUCKETS];
        for (long s = now - windowSeconds; s < now; s++) {
            int i = (int) Math.floorMod(s, (long) SECONDS);
            if (second[i] == s) {
                req += requests[i];
                den += denied[i];
                err += errors[i];
                for (int b = 0; b < BUCKETS; b++) {
                    hist[b] += latency[i][b];
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("window_seconds", windowSeconds);
        out.put("requests", req);
        out.put("rate_per_second", round(req / (double) windowSeconds));
        out.put("denied", den);
        out.put("errors", err);
        out.put("error_rate", req == 0 ? 0.0 : round(err / (double) req));
        out.put("deny_rate", req == 0 ? 0.0 : round(den / (double) req));
        Map<String, Object> percentiles = new LinkedHashMap<>(); // null in a quiet window, so no Map.of
        percentiles.put("p50", percentile(hist, req, 0.50));
        percentiles.put("p95", percentile(hist, req, 0.95));
        percentiles.put("p99", percentile(hist, req, 0.99));
        out.put("latency_ms", percentiles);
        List<Long> t = new ArrayList<>();
        List<Double> rate = new ArrayList<>();
        List<Long> errs = new ArrayList<>();
        List<Long> dens = new ArrayList<>();
        List<Double> p95 = new ArrayList<>();
        long start = now - SECONDS + 1;
        start -= Math.floorMod(start, (long) step);
        for (long from = start; from + step <= now; from += step) {
            long r = 0;
            long e = 0;
            long d = 0;
            int[] h = new int[BUCKETS];
            for (long s = from; s < from + step; s++) {
                int i = (int) Math.floorMod(s, (long) SECONDS);
                if (second[i] == s) {
                    r += requests[i];
                    e += errors[i];
                    d += denied[i];
                    for (int b = 0; b < BUCKETS; b++) {
                        h[b] += latency[i][b];
                    }
                }
            }
            t.add(from);
            rate.add(round(r / (double) step));
            errs.add(e);
            dens.add(d);
            p95.add(r == 0 ? null : percentile(h, r, 0.95));
        }
        Map<String, Object> series = new LinkedHashMap<>();
        series.put("step_seconds", step);
        series.put("t", t);
        series.put("rate", rate);
        series.put("errors", errs);
        series.put("denied", dens);
        series.put("p95_ms", p95);
        out.put("series", series);
        return out;
    }

    private static Double percentile(int[] hist, long total, double q) {
        if (total == 0) {
            return null;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int b = 0; b < BUCKETS; b++) {
            seen += hist[b];
            if (seen >= rank) {
                return round(upperBound(b));
            }
        }
        return round(upperBound(BUCKETS - 1));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
