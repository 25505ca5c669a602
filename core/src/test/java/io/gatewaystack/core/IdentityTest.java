package io.gatewaystack.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentityTest {
    @Test
    void scopeMatchingIsExact() {
        Identity id = new Identity("alice", "https://idp", null, null, List.of(), List.of("tool.read", "a"),
                null, null, null, null, Instant.now(), Map.of());
        assertThat(id.hasScope("tool.read")).isTrue();
        assertThat(id.hasScope("toolXread")).isFalse();
        assertThat(id.hasScope("tool")).isFalse();
        assertThat(id.hasAllScopes(List.of("a", "tool.read"))).isTrue();
        assertThat(id.hasAllScopes(List.of("a", "b"))).isFalse();
        assertThat(id.toString()).doesNotContain("claims");
    }
}
