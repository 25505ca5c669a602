package io.gatewaystack.server.config;

import io.gatewaystack.limits.FailureMode;
import io.gatewaystack.limits.KeyPart;
import io.gatewaystack.limits.budget.BudgetPeriod;
import io.gatewaystack.limits.budget.BudgetRule;
import io.gatewaystack.limits.budget.BudgetsConfig;
import io.gatewaystack.limits.budget.Meter;
import io.gatewaystack.limits.budget.Price;
import io.gatewaystack.limits.budget.PriceTable;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the budget part of the {@code limits} section:
 *
 * <pre>
 * limits:
 *   budgets:                      # money, per period; every applicable one is charged
 *     - {name: user-daily, key: [user], usd: 5.00, period: day}
 *     - {name: org-monthly, key: [org], usd: 500, period: month}
 *   token_limits:
 *     - {name: user-tokens, key: [user], tokens: 200000, count: total, period: hour}
 *   prices:                       # USD per million tokens; on top of the built-in list prices
 *     default: {input: 15, output: 75}
 *     models: {llama3: {input: 0, output: 0}, "openai/gpt-4o": {input: 2.5, output: 10, cached_input: 1.25}}
 *   tool_prices: {crmGetSalesSummary: 0.002}
 *   default_max_output_tokens: 4096
 *   reservation_ttl_seconds: 900
 *   budget_failure_mode: fail_open
 *   settlement_spool: /var/lib/gatewaystack/budget-settlements.spool
 * </pre>
 */
final class BudgetConfigReader {

    /** The keys of the limits section this reader owns. */
    static final Set<String> KEYS = Set.of("budgets", "token_limits", "prices", "tool_prices",
            "default_max_output_tokens", "reservation_ttl_seconds", "budget_failure_mode", "settlement_spool",
            "currency");

    private BudgetConfigReader() {
    }

    static BudgetSettings read(ConfigNode n, Path defaultSpool) {
        List<BudgetRule> rules = new ArrayList<>();
        for (ConfigNode b : n.list("budgets")) {
            b.allowOnly(Set.of("name", "key", "usd", "amount", "period"));
            long micros = micros(b, b.raw("usd") != null ? "usd" : "amount");
            rules.add(rule(b, Meter.COST, micros));
        }
        for (ConfigNode t : n.list("token_limits")) {
            t.allowOnly(Set.of("name", "key", "tokens", "count", "period"));
            String count = t.string("count", "total").toLowerCase(Locale.ROOT);
            Meter meter = switch (count) {
                case "input" -> Meter.INPUT_TOKENS;
                case "output" -> Meter.OUTPUT_TOKENS;
                case "total" -> Meter.TOTAL_TOKENS;
                default -> throw new ConfigException(t.keyOf("count"), "must be input, output or total");
            };
            rules.add(rule(t, meter, t.longValue("tokens", 0, 1, Long.MAX_VALUE / 4)));
        }
        String failure = n.string("budget_failure_mode", "fail_open").toLowerCase(Locale.ROOT).replace('-', '_');
        FailureMode mode = switch (failure) {
            case "fail_open" -> FailureMode.FAIL_OPEN;
            case "fail_closed" -> FailureMode.FAIL_CLOSED;
            default -> throw new ConfigException(n.keyOf("budget_failure_mode"), "must be 'fail_open' or 'fail_closed'");
        };
        String spool = n.string("settlement_spool", null);
        BudgetsConfig budgets;
        try {
            budgets = new BudgetsConfig(rules,
                    n.seconds("reservation_ttl_seconds", Duration.ofMinutes(15), 1, 86_400),
                    mode, spool != null ? Path.of(spool) : defaultSpool, n.string("currency", "USD"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(n.path().isEmpty() ? "limits" : n.path(), e.getMessage());
        }

        ConfigNode p = n.child("prices").allowOnly(Set.of("default", "models"));
        Price fallback = p.child("default").isPresent() ? price(p.child("default")) : BudgetSettings.CONSERVATIVE;
        Map<String, Price> models = new LinkedHashMap<>();
        ConfigNode m = p.child("models");
        for (String name : m.names()) {
            models.put(name, price(m.child(name)));
        }
        Map<String, Long> tools = new LinkedHashMap<>();
        ConfigNode tp = n.child("tool_prices");
        for (String tool : tp.names()) {
            tools.put(tool, micros(tp, tool));
        }
        return new BudgetSettings(budgets, PriceTable.defaults().with(models, null), fallback, tools,
                n.longValue("default_max_output_tokens", 4096, 1, 10_000_000));
    }

    private static BudgetRule rule(ConfigNode r, Meter meter, long cap) {
        String name = r.string("name", null);
        if (name == null) {
            throw new ConfigException(r.keyOf("name"), "is required");
        }
        List<KeyPart> parts = new ArrayList<>();
        for (String part : r.stringList("key", List.of("user"))) {
            try {
                parts.add(KeyPart.valueOf(part.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(r.keyOf("key"), "unknown key part '" + part
                        + "' (user, org, tenant, client, route, resource)");
            }
        }
        try {
            return new BudgetRule(name, parts, meter, cap, BudgetPeriod.parse(r.string("period", "month")));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(r.path(), e.getMessage());
        }
    }

    private static Price price(ConfigNode n) {
        n.allowOnly(Set.of("input", "output", "cached_input"));
        double input = number(n, "input", 0);
        try {
            return new Price(input, number(n, "output", 0), number(n, "cached_input", input));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(n.path(), e.getMessage());
        }
    }

    /** A money amount in currency units, as micro-units. */
    private static long micros(ConfigNode n, String name) {
        double value = number(n, name, -1);
        if (value <= 0 || value > 1e12) {
            throw new ConfigException(n.keyOf(name), "must be a positive amount");
        }
        return Math.round(value * 1_000_000);
    }

    private static double number(ConfigNode n, String name, double fallback) {
        JsonNode v = n.raw(name);
        if (v == null || v.isNull() || v.isMissingNode()) {
            return fallback;
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isString()) {
            try {
                return Double.parseDouble(v.asString().trim());
            } catch (NumberFormatException e) {
                // fall through to the error
            }
        }
        throw new ConfigException(n.keyOf(name), "must be a number");
    }
}
