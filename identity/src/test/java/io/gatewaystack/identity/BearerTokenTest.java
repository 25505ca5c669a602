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

    @Test
    void theSpanIsWhereTheTokenIs() {
        BearerToken.Span span = BearerToken.find("  Bearer   abc.def  ");
        assertThat(span.token()).isEqualTo("abc.def");
        assertThat(span.length()).isEqualTo(7);
        assertThat(span.header().substring(span.start(), span.end())).isEqualTo("abc.def");
        assertThat(BearerToken.find("Basic abc")).isNull();
    }

    /** The copy-free parse gives what strip/substring/strip gave, on headers built from the tricky characters. */
    @Test
    void findAgreesWithTheStripAndSubstringParseOnGeneratedHeaders() {
        String[] parts = {"Bearer", "bearer", "BEARER", "Basic", " ", "\t", "\u2003", "\n", "a", "b.c", "é", "", "Bearerx"};
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder header = new StringBuilder();
            int n = random.nextInt(6);
            for (int j = 0; j < n; j++) {
                header.append(parts[random.nextInt(parts.length)]);
            }
            String h = header.toString();
            assertThat(BearerToken.fromAuthorizationHeader(h)).as("header [%s]", h).isEqualTo(stripParse(h));
        }
    }

    private static String stripParse(String header) {
        String value = header.strip();
        if (value.length() <= 6 || !value.regionMatches(true, 0, "Bearer", 0, 6)
                || !(value.charAt(6) == ' ' || value.charAt(6) == '\t')) {
            return null;
        }
        String token = value.substring(7).strip();
        return token.isEmpty() ? null : token;
    }
}
