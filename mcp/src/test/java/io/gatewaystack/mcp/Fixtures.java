package io.gatewaystack.mcp;

import io.gatewaystack.core.Identity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

final class Fixtures {
    private Fixtures() {
    }

    static Identity user(String sub, String... scopes) {
        return new Identity(sub, "https://issuer.test", null, null, List.of(), List.of(scopes), null, null, null,
                null, Instant.now().plusSeconds(3600), Map.of());
    }

    static JsonNode json(String s) {
        return JsonRpc.MAPPER.readTree(s);
    }

    static ToolDefinition tool(String name, String schema, String... scopes) {
        return new ToolDefinition(name, null, "the " + name + " tool", schema == null ? null : json(schema),
                List.of(scopes), "http://127.0.0.1:1/" + name, Duration.ofSeconds(2));
    }
}
