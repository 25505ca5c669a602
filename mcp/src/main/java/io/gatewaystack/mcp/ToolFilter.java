package io.gatewaystack.mcp;

import io.gatewaystack.core.Identity;

/**
 * Decides which tools a user may see in {@code tools/list} (and call: a hidden tool is an unknown tool), on top of
 * the scope check the registry always makes. The server plugs the policy engine in here.
 */
@FunctionalInterface
public interface ToolFilter {

    ToolFilter ALLOW_ALL = (identity, tool) -> true;

    boolean allows(Identity identity, ToolDefinition tool);

    /**
     * This filter for one caller over a whole tool list, on one thread. A filter with per-caller work (the policy
     * filter gathers the caller's facts) does it once here instead of once per tool.
     */
    default java.util.function.Predicate<ToolDefinition> forCaller(Identity identity) {
        return tool -> allows(identity, tool);
    }
}
