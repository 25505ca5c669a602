package io.gatewaystack.identity;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ScopeRequirementTest {

    static RequestContext withScopes(List<String> scopes) {
        RequestContext context = RequestContext.builder().requestId("r").method("POST").path("/tools/x").build();
        context.identity(new Identity("user-1", "https://issuer", null, null, List.of(), scopes, null, null, null,
                null, Instant.now().plusSeconds(60), Map.of()));
        return context;
    }

    @Test
    void allRequiredScopesPresentProceeds() {
        ScopeRequirement requirement = new ScopeRequirement(List.of("tool.read", "tool:write"));
        assertThat(requirement.name()).isEqualTo("scopes");
        assertThat(requirement.onRequest(withScopes(List.of("tool:write", "x", "tool.read"))).isProceed()).isTrue();
    }

    @Test
    void matchingIsExact() {
        ScopeRequirement requirement = new ScopeRequirement(List.of("tool.read"));
        for (List<String> scopes : List.of(List.of("toolXread"), List.of("tool.read.all"), List.of("TOOL.READ"),
                List.of("tool"), List.<String>of())) {
            Verdict verdict = requirement.onRequest(withScopes(scopes));
            assertThat(verdict.isRejected()).as("scopes %s", scopes).isTrue();
        }
    }

    @Test
    void missingScopeIsInsufficientScopeListingTheRequiredOnes() {
        Verdict verdict = new ScopeRequirement(List.of("a", "b")).onRequest(withScopes(List.of("a")));

        assertThat(verdict.rejection().code()).isEqualTo(ErrorCode.INSUFFICIENT_SCOPE);
        assertThat(verdict.rejection().status()).isEqualTo(403);
        assertThat(verdict.rejection().scope()).isEqualTo("a b");
        assertThat(verdict.rejection().details()).containsEntry("required_scopes", List.of("a", "b"));
    }

    @Test
    void noIdentityIsMissingToken() {
        RequestContext context = RequestContext.builder().requestId("r").method("GET").path("/").build();
        Verdict verdict = new ScopeRequirement(List.of("a")).onRequest(context);
        assertThat(verdict.rejection().code()).isEqualTo(ErrorCode.MISSING_TOKEN);
    }
}
