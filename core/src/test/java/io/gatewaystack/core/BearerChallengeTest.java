package io.gatewaystack.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BearerChallengeTest {

    @Test
    void noCredentialsGetsNoErrorAttributeButThePointerToTheMetadata() {
        assertThat(BearerChallenge.of("https://gw/.well-known/oauth-protected-resource", null,
                GatewayError.of(ErrorCode.MISSING_TOKEN, "No token.")))
                .isEqualTo("Bearer resource_metadata=\"https://gw/.well-known/oauth-protected-resource\"");
        assertThat(BearerChallenge.of(null, null, GatewayError.of(ErrorCode.MISSING_TOKEN, "No token.")))
                .isEqualTo("Bearer");
    }

    @Test
    void aBadTokenIsInvalidTokenWithAQuotingSafeDescription() {
        assertThat(BearerChallenge.of(null, "notes", GatewayError.of(ErrorCode.INVALID_TOKEN, "bad \"sig\"\n\\x")))
                .isEqualTo("Bearer realm=\"notes\", error=\"invalid_token\", error_description=\"bad 'sig''x\"");
    }

    @Test
    void missingScopesAreNamed() {
        assertThat(BearerChallenge.of("https://gw/prm", null, GatewayError.insufficientScope(List.of("tool:write"))))
                .startsWith("Bearer resource_metadata=\"https://gw/prm\", error=\"insufficient_scope\", error_description=\"")
                .endsWith(", scope=\"tool:write\"");
    }
}
