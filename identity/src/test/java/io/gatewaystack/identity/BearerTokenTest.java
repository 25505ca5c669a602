package io.gatewaystack.identity;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BearerTokenTest {

    @Test
    void readsTheTokenWhateverTheSchemeCase() {
        assertThat(BearerToken.fromAuthorizationHeader("Bearer abc.def.ghi")).isEqualTo("abc.def.ghi");
        assertThat(BearerToken.fromAuthorizationHeader("bearer abc")).isEqualTo("abc");
        assertThat(BearerToken.fromAuthorizationHeader("BEARER abc")).isEqualTo("abc");
        assertThat(BearerToken.fromAuthorizationHeader("  Bearer    abc  ")).isEqualTo("abc");
        assertThat(BearerToken.fromAuthorizationHeader("Bearer\tabc")).isEqualTo("abc");
    }

    @Test
    void absentEmptyOrOtherSchemeIsNull() {
        assertThat(BearerToken.fromAuthorizationHeader(null)).isNull();
        assertThat(BearerToken.fromAuthorizationHeader("")).isNull();
        assertThat(BearerToken.fromAuthorizationHeader("Bearer")).isNull();
        assertThat(BearerToken.fromAuthorizationHeader("Bearer    ")).isNull();
        assertThat(BearerToken.fromAuthorizationHeader("Bearerabc")).isNull();
        assertThat(BearerToken.fromAuthorizationHeader("Basic dXNlcg==")).isNull();
        assertThat(BearerToken.fromAuthorizationHeader("DPoP abc")).isNull();
    }
}
