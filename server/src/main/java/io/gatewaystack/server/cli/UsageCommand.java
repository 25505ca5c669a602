package io.gatewaystack.server.cli;

import io.gatewaystack.audit.store.TimeArgument;
import io.gatewaystack.audit.UsageReport;
import io.gatewaystack.audit.store.AuditSource;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gatewaystack usage --by org --since 7d}: usage and cost from the audit store, read directly
 * ({@code --store}) or through a running gateway's admin API ({@code --gateway URL --token T}: the same report, the
 * same code, computed by the gateway; a tenant admin's token gets their tenant's rows only).
 */
@Command(name = "usage", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Usage and cost from the audit store: requests, allowed, denied, errors, tokens, cost,",
                "denials by rule and PII found by type, grouped by user, org, tenant, model, tool, day, rule or pii_type.",
                "Reads the store directly (--store, $DATABASE_URL) or asks a running gateway (--gateway, --token).",
                "Exit code: 0 printed, 2 bad arguments, unreadable store or refused by the gateway."})
public final class UsageCommand implements Callable<Integer> {

    /** Output formats. */
    enum Format { table, csv, json }

    @Option(names = "--by", defaultValue = "org", description = "user, org, tenant, model, tool, day, rule (denials by the rule "
            + "that denied) or pii_type (PII found by type; an event counts in each type it contained). Default: ${DEFAULT-VALUE}.")
    String by;

    @Option(names = "--since", defaultValue = "7d",
            description = "How far back: 30m, 24h, 7d, or a date (2026-01-31) or instant (UTC). Default: ${DEFAULT-VALUE}.")
    String since;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json. Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--store", paramLabel = "FILE|JDBCURL",
            description = "A SQLite file, a JSON-lines file or a JDBC URL. Default: $DATABASE_URL.")
    String store;

    @Option(names = "--gateway", paramLabel = "URL",
            description = "A running gateway's base URL (e.g. https://gw.example.com): ask its admin API instead of reading a store.")
    String gateway;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "An access token with the admin scope, for --gateway. Default: $GATEWAYSTACK_TOKEN.")
    String token;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (gateway != null) {
            return viaGateway(out, err);
        }
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
            sinceMillis = TimeArgument.parse("--since", since, Instant.now());
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            err.println("bad argument: " + e.getMessage());
            err.flush();
            return 2;
        }
        try (AuditSource source = AuditSource.open(s)) {
            if (source instanceof io.gatewaystack.audit.store.JdbcAuditStore jdbc) {
                // with the gateway's data key, encrypted users read as themselves (erased ones as "(unreadable)")
                byte[] dataKey = io.gatewaystack.audit.AuditConfig.parseKey(System.getenv("GATEWAYSTACK_AUDIT_DATA_KEY"));
                jdbc.withDataKey(dataKey != null && dataKey.length >= 32 ? dataKey : null);
            }
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

    /** {@code GET <gateway>/admin/api/usage?by=&since=&format=}: the gateway computes the same report. */
    private int viaGateway(PrintWriter out, PrintWriter err) {
        String t = token != null ? token : System.getenv("GATEWAYSTACK_TOKEN");
        if (t == null || t.isBlank()) {
            err.println("--gateway needs an admin access token: pass --token or set GATEWAYSTACK_TOKEN");
            err.flush();
            return 2;
        }
        java.net.URI uri;
        try {
            String base = gateway.endsWith("/") ? gateway.substring(0, gateway.length() - 1) : gateway;
            uri = java.net.URI.create(base + "/admin/api/usage?by=" + enc(by) + "&since=" + enc(since) + "&format=" + format.name());
            if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            err.println("bad argument: --gateway " + gateway + ": " + e.getMessage());
            err.flush();
            return 2;
        }
        try {
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10)).build();
            java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofMinutes(2)).header("Authorization", "Bearer " + t.trim()).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                err.println("the gateway answered " + r.statusCode() + ": " + r.body());
                err.flush();
                return 2;
            }
            out.print(r.body());
            if (format == Format.json) {
                out.println();
            }
            out.flush();
            return 0;
        } catch (java.io.IOException e) {
            err.println("cannot reach the gateway at " + gateway + ": " + e);
            err.flush();
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        }
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
