package io.gatewaystack.server.cli;

import io.gatewaystack.audit.UsageReport;
import io.gatewaystack.audit.store.AuditSource;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gatewaystack usage --by org --since 7d}: usage and cost from the audit store. */
@Command(name = "usage", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Usage and cost from the audit store: requests, allowed, denied, errors, tokens, cost,",
                "denials by rule and PII found by type, grouped by user, org, tenant, model, tool or day.",
                "Exit code: 0 printed, 2 bad arguments or unreadable store."})
public final class UsageCommand implements Callable<Integer> {

    /** Output formats. */
    enum Format { table, csv, json }

    @Option(names = "--by", defaultValue = "org", description = "user, org, tenant, model, tool or day. Default: ${DEFAULT-VALUE}.")
    String by;

    @Option(names = "--since", defaultValue = "7d",
            description = "How far back: 30m, 24h, 7d, or a date (2026-01-31) or instant (UTC). Default: ${DEFAULT-VALUE}.")
    String since;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json. Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--store", paramLabel = "FILE|JDBCURL",
            description = "A SQLite file, a JSON-lines file or a JDBC URL. Default: $DATABASE_URL.")
    String store;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String s = store != null ? store : System.getenv("DATABASE_URL");
        if (s == null || s.isBlank()) {
            err.println("no audit store: pass --store FILE|JDBCURL or set DATABASE_URL");
            err.flush();
            return 2;
        }
        UsageReport.By grouping;
        long sinceMillis;
        try {
            grouping = UsageReport.By.parse(by);
            sinceMillis = parseSince(since, Instant.now());
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            err.println("bad argument: " + e.getMessage());
            err.flush();
            return 2;
        }
        try (AuditSource source = AuditSource.open(s)) {
            UsageReport.Report r = UsageReport.compute(source, grouping, sinceMillis);
            out.print(switch (format) {
                case table -> UsageReport.toTable(r);
                case csv -> UsageReport.toCsv(r);
                case json -> UsageReport.toJson(r) + System.lineSeparator();
            });
            out.flush();
            return 0;
        } catch (Exception e) {
            err.println("cannot read the audit store " + s.replaceAll("(?i)(password=)[^&]*", "$1***") + ": " + e.getMessage());
            err.flush();
            return 2;
        }
    }

    static long parseSince(String text, Instant now) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.matches("\\d+[smhdw]")) {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            Duration d = switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
            return now.minus(d).toEpochMilli();
        }
        if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
            return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        }
        return Instant.parse(text.trim()).toEpochMilli();
    }
}
