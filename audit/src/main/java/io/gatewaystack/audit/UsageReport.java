package io.gatewaystack.audit;

import io.gatewaystack.audit.store.AuditSource;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Usage and cost over an audit store, grouped by user, org, tenant, model, tool or day: requests, allowed,
 * denied, errors, tokens, cost, denials by rule and PII found by type. Computed from the events themselves (the
 * hash-chained JSON), so the totals always equal the raw events'.
 *
 * <p>It scans the events since the given time once (O(events)); for very large stores run it over a narrower
 * window.
 */
public final class UsageReport {

    /** The grouping key. */
    public enum By {
        USER(e -> e.identity() == null ? null
                : e.identity().sub() != null ? e.identity().sub() : e.identity().subEnc() != null ? UNREADABLE : null),
        ORG(e -> e.identity() == null ? null : e.identity().org()),
        TENANT(e -> e.identity() == null ? null : e.identity().tenant()),
        MODEL(e -> e.what().model()),
        TOOL(e -> e.what().tool()),
        DAY(e -> Instant.ofEpochMilli(e.time()).atZone(ZoneOffset.UTC).toLocalDate().toString()),
        /**
         * The rule that decided: for a denial the policy rule that denied, else {@code error:<code>} (e.g.
         * {@code error:rate_limited}); for an allowed request the policy rule that allowed it, if any.
         */
        RULE(UsageReport::decidingRule),
        /**
         * Each PII type found. <em>Multi-valued</em>: an event with an email and a phone number counts once in the
         * {@code email} row and once in the {@code phone} row (events without PII in {@code (none)}), so the rows'
         * sums can exceed the total; {@code TOTAL} counts each event once.
         */
        PII_TYPE(null) {
            @Override
            List<String> keys(AuditEvent e) {
                return e.data() == null || e.data().piiTypes().isEmpty() ? java.util.Collections.singletonList(null)
                        : e.data().piiTypes().stream().distinct().toList();
            }
        };

        private final Function<AuditEvent, String> key;

        By(Function<AuditEvent, String> key) {
            this.key = key;
        }

        /** The group(s) of an event; null stands for {@link #NONE}. */
        List<String> keys(AuditEvent e) {
            return java.util.Collections.singletonList(key.apply(e));
        }

        /** {@code user}, {@code org}, ..., {@code rule}, {@code pii_type} (also {@code pii-type}). */
        public static By parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }

        /** The name on the command line and in JSON. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The rule a denial is counted under: the denying policy rule, else {@code error:<code>}. */
    static String denialRule(AuditEvent e) {
        return e.policy() != null && "deny".equals(e.policy().effect()) && e.policy().rule() != null
                ? e.policy().rule()
                : "error:" + (e.outcome().errorCode() == null ? "unknown" : e.outcome().errorCode());
    }

    private static String decidingRule(AuditEvent e) {
        if ("deny".equals(e.outcome().decision())) {
            return denialRule(e);
        }
        return e.policy() == null ? null : e.policy().rule();
    }

    /** Key shown for events without a value for the grouping (no identity, no model...). */
    public static final String NONE = "(none)";

    /** Key shown for users whose {@code sub} is encrypted and cannot be read: erased, or no data key given. */
    public static final String UNREADABLE = "(unreadable)";

    /**
     * One group's totals.
     *
     * @param denialsByRule denied requests by the policy rule that denied them, else by {@code error:<code>}
     * @param piiByType     how many times each PII type was found
     */
    public record Row(String key, long requests, long allowed, long denied, long errors, long inputTokens,
                      long outputTokens, long costMicros, Map<String, Long> denialsByRule, Map<String, Long> piiByType) {
    }

    /** The rows (sorted by key) and the grand total. */
    public record Report(By by, long sinceMillis, List<Row> rows, Row total) {
    }

    private static final class Acc {
        long requests, allowed, denied, errors, in, out, cost;
        final Map<String, Long> denials = new TreeMap<>();
        final Map<String, Long> pii = new TreeMap<>();

        void add(AuditEvent e) {
            requests++;
            boolean deny = "deny".equals(e.outcome().decision());
            if (deny) {
                denied++;
                denials.merge(denialRule(e), 1L, Long::sum);
            } else {
                allowed++;
                if (e.outcome().errorCode() != null || e.outcome().status() >= 500) {
                    errors++;
                }
            }
            if (e.usage() != null) {
                in += e.usage().inputTokens();
                out += e.usage().outputTokens();
                cost += e.usage().costMicros();
            }
            if (e.data() != null) {
                for (String t : e.data().piiTypes()) {
                    pii.merge(t, 1L, Long::sum);
                }
            }
        }

        Row row(String key) {
            return new Row(key, requests, allowed, denied, errors, in, out, cost, Map.copyOf(denials), Map.copyOf(pii));
        }
    }

    private UsageReport() {
    }

    public static Report compute(AuditSource source, By by, long sinceMillis) throws Exception {
        Map<String, Acc> groups = new TreeMap<>();
        Acc total = new Acc();
        source.forEachRow(sinceMillis, row -> {
            AuditEvent e = source.reveal(AuditEvent.fromJson(row.json()));
            if (e.time() < sinceMillis) {
                return;
            }
            for (String k : by.keys(e)) {
                groups.computeIfAbsent(k == null ? NONE : k, x -> new Acc()).add(e);
            }
            total.add(e);
        });
        List<Row> rows = new ArrayList<>();
        groups.forEach((k, a) -> rows.add(a.row(k)));
        rows.sort(Comparator.comparing(Row::key));
        return new Report(by, sinceMillis, List.copyOf(rows), total.row("TOTAL"));
    }

    // ---- output ---------------------------------------------------------------------------------

    private static final String[] HEADERS = {"requests", "allowed", "denied", "errors", "input_tokens", "output_tokens",
            "cost", "denials_by_rule", "pii_by_type"};

    private static String[] cells(Row r) {
        return new String[]{r.key(), Long.toString(r.requests()), Long.toString(r.allowed()), Long.toString(r.denied()),
                Long.toString(r.errors()), Long.toString(r.inputTokens()), Long.toString(r.outputTokens()),
                cost(r.costMicros()), pairs(r.denialsByRule()), pairs(r.piiByType())};
    }

    private static String cost(long micros) {
        return java.math.BigDecimal.valueOf(micros, 6).toPlainString();
    }

    private static String pairs(Map<String, Long> m) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(m).forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }

    public static String toTable(Report r) {
        List<String[]> lines = new ArrayList<>();
        String[] head = new String[HEADERS.length + 1];
        head[0] = r.by().name().toLowerCase(Locale.ROOT);
        System.arraycopy(HEADERS, 0, head, 1, HEADERS.length);
        lines.add(head);
        r.rows().forEach(row -> lines.add(cells(row)));
        lines.add(cells(r.total()));
        int[] w = new int[head.length];
        for (String[] l : lines) {
            for (int i = 0; i < l.length; i++) {
                w[i] = Math.max(w[i], l[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] l : lines) {
            for (int i = 0; i < l.length; i++) {
                boolean numeric = i >= 1 && i <= 7;
                String cell = numeric ? " ".repeat(w[i] - l[i].length()) + l[i] : l[i] + " ".repeat(w[i] - l[i].length());
                sb.append(i == 0 ? "" : "  ").append(cell);
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString().replaceAll(" +(\\R)", "$1");
    }

    public static String toCsv(Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.by().name().toLowerCase(Locale.ROOT)).append(',').append(String.join(",", HEADERS)).append('\n');
        for (Row row : r.rows()) {
            String[] c = cells(row);
            for (int i = 0; i < c.length; i++) {
                sb.append(i == 0 ? "" : ",").append(csv(c[i]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains(" ") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    public static String toJson(Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"by\":\"").append(r.by().name().toLowerCase(Locale.ROOT)).append("\",\"since\":\"")
                .append(Instant.ofEpochMilli(r.sinceMillis())).append("\",\"rows\":[");
        for (int i = 0; i < r.rows().size(); i++) {
            sb.append(i == 0 ? "" : ",").append(json(r.rows().get(i)));
        }
        return sb.append("],\"total\":").append(json(r.total())).append('}').toString();
    }

    private static String json(Row r) {
        Json j = new Json(256).begin().str("key", r.key()).num("requests", r.requests()).num("allowed", r.allowed())
                .num("denied", r.denied()).num("errors", r.errors()).num("input_tokens", r.inputTokens())
                .num("output_tokens", r.outputTokens()).num("cost_micros", r.costMicros());
        j.begin("denials_by_rule");
        new TreeMap<>(r.denialsByRule()).forEach(j::num);
        j.end().begin("pii_by_type");
        new TreeMap<>(r.piiByType()).forEach(j::num);
        return j.end().end().toString();
    }
}
