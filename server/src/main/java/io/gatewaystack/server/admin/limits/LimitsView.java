package io.gatewaystack.server.admin.limits;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the console's Limits page shows: titled tables. A new kind of limit adds a section; the page renders any
 * section without changes (the Usage page also shows the one with id {@code budgets}). Sections may need a store
 * read (Redis), so they come as a stage.
 */
public interface LimitsView {

    /**
     * One table.
     *
     * @param id      a stable id ({@code rules}, {@code rates}, {@code in_flight}, {@code budgets}...)
     * @param columns column names
     * @param rows    cells in column order (strings, numbers, booleans or null)
     * @param note    a sentence under the title, or null
     */
    record Section(String id, String title, List<String> columns, List<List<Object>> rows, String note) {
        public Section {
            columns = List.copyOf(columns);
            rows = List.copyOf(rows);
        }
    }

    /**
     * The sections a viewer may see.
     *
     * @param tenant the viewer's tenant, or null for a global admin (limit keys are not tagged with a tenant, so a
     *               tenant admin sees the configuration but no per-key rows)
     */
    CompletionStage<List<Section>> sections(String tenant);

    /** The limits store's health for the Overview page: {@code ok}, {@code degraded} or {@code down}, and why. */
    StoreHealth storeHealth();

    record StoreHealth(String kind, String status, String detail) {
    }

    /** When no limits are configured. */
    LimitsView NONE = new LimitsView() {
        @Override
        public CompletionStage<List<Section>> sections(String tenant) {
            return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public StoreHealth storeHealth() {
            return new StoreHealth("none", "off", "no limits configured");
        }
    };
}
