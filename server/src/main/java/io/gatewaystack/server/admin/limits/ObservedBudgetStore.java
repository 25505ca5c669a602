package io.gatewaystack.server.admin.limits;

import io.gatewaystack.limits.budget.BudgetCheck;
import io.gatewaystack.limits.budget.BudgetOutcome;
import io.gatewaystack.limits.budget.BudgetRequest;
import io.gatewaystack.limits.budget.BudgetRule;
import io.gatewaystack.limits.budget.BudgetState;
import io.gatewaystack.limits.budget.BudgetStore;
import io.gatewaystack.limits.budget.BudgetsConfig;
import io.gatewaystack.limits.budget.Settlement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A budget store that remembers which counters were used recently (at most {@value #MAX_KEYS}), so the console can
 * show every budget's standing with its remaining headroom. The numbers are the store's own, read fresh for the
 * current period ({@link BudgetStore#read}, which charges nothing); every decision is the wrapped store's.
 */
public final class ObservedBudgetStore implements BudgetStore {

    static final int MAX_KEYS = 2_000;
    /** How the budgets layer names a period's counter: {@code <key>|p=<period start>}. */
    private static final String PERIOD_SUFFIX = "|p=";

    private final BudgetStore store;
    private final BudgetsConfig config;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    private record Seen(BudgetRule rule, String key, long lastSeenMillis) {
    }

    public ObservedBudgetStore(BudgetStore store, BudgetsConfig config) {
        this.store = store;
        this.config = config;
    }

    @Override
    public CompletionStage<BudgetOutcome> reserve(BudgetRequest request) {
        long now = System.currentTimeMillis();
        for (BudgetCheck check : request.checks()) {
            String key = check.key();
            int p = key.lastIndexOf(PERIOD_SUFFIX);
            String base = p < 0 ? key : key.substring(0, p);
            seen.put(check.rule().name() + '\n' + base, new Seen(check.rule(), base, now));
        }
        if (seen.size() > MAX_KEYS) {
            List<Seen> all = new ArrayList<>(seen.values());
            all.sort(Comparator.comparingLong(Seen::lastSeenMillis));
            for (int i = 0; i < all.size() - MAX_KEYS * 9 / 10; i++) {
                seen.remove(all.get(i).rule().name() + '\n' + all.get(i).key());
            }
        }
        return store.reserve(request);
    }

    @Override
    public CompletionStage<Void> settle(Settlement settlement) {
        return store.settle(settlement);
    }

    @Override
    public CompletionStage<List<BudgetState>> read(List<BudgetCheck> checks) {
        return store.read(checks);
    }

    @Override
    public void close() {
        store.close();
    }

    /** The budget rules, and (global admins) the standing of every recently used counter in its current period. */
    CompletionStage<List<LimitsView.Section>> sections(String tenant) {
        List<List<Object>> rules = new ArrayList<>();
        for (BudgetRule r : config.rules()) {
            rules.add(List.of(r.name(), keyParts(r), meter(r), amount(r, r.cap()), period(r)));
        }
        LimitsView.Section ruleSection = new LimitsView.Section("budget_rules", "Budgets and token limits",
                List.of("budget", "key", "meter", "cap", "period"), rules, null);
        if (tenant != null) {
            return CompletableFuture.completedFuture(List.of(ruleSection, new LimitsView.Section("budgets",
                    "Budget headroom", List.of(), List.of(),
                    "Budget keys are not tagged with a tenant: per-key standing is shown to global admins only.")));
        }
        long now = System.currentTimeMillis();
        List<Seen> recent = new ArrayList<>(seen.values());
        recent.sort(Comparator.comparingLong(Seen::lastSeenMillis).reversed());
        List<BudgetCheck> checks = new ArrayList<>(recent.size());
        for (Seen s : recent) {
            checks.add(new BudgetCheck(s.rule(), s.key() + PERIOD_SUFFIX + s.rule().period().start(now), 0,
                    s.rule().period().end(now)));
        }
        CompletionStage<List<BudgetState>> states = checks.isEmpty()
                ? CompletableFuture.completedFuture(List.of()) : store.read(checks);
        return states.handle((list, failure) -> {
            if (failure != null) {
                return List.of(ruleSection, new LimitsView.Section("budgets", "Budget headroom", List.of(), List.of(),
                        "The budget store cannot be read right now."));
            }
            List<List<Object>> rows = new ArrayList<>();
            for (int i = 0; i < list.size() && i < recent.size(); i++) {
                BudgetState st = list.get(i);
                BudgetRule r = st.rule();
                double headroom = r.cap() == 0 ? 0 : Math.round(1000.0 * st.remaining() / r.cap()) / 10.0;
                rows.add(Arrays.asList(r.name(), recent.get(i).key(), meter(r), amount(r, r.cap()), amount(r, st.spent()),
                        amount(r, st.reserved()), amount(r, st.remaining()), headroom,
                        Instant.ofEpochMilli(now + st.resetMillis()).toString()));
            }
            return List.of(ruleSection, new LimitsView.Section("budgets", "Budget headroom",
                    List.of("budget", "key", "meter", "cap", "spent", "reserved", "remaining", "headroom_pct", "resets_at"),
                    rows, "Current period of every counter used recently (up to " + MAX_KEYS + "), read from the store;"
                            + " money in " + "currency units."));
        });
    }

    private static String keyParts(BudgetRule r) {
        return String.join("+", r.keyParts().stream().map(k -> k.name().toLowerCase(Locale.ROOT)).toList());
    }

    private static String meter(BudgetRule r) {
        return r.meter().name().toLowerCase(Locale.ROOT);
    }

    private static String period(BudgetRule r) {
        return r.period().length() != null ? r.period().length().toString()
                : r.period().kind().name().toLowerCase(Locale.ROOT);
    }

    /** Money in currency units (the store counts micro-units), tokens as they are. */
    private static Object amount(BudgetRule r, long value) {
        return r.meter().isMoney() ? value / 1_000_000.0 : value;
    }
}
