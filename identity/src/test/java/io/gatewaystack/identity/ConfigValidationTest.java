package io.gatewaystack.identity;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigValidationTest {

    static IssuerConfig issuer(List<String> audiences, Set<String> algorithms) {
        return new IssuerConfig("https://issuer.example", audiences, null, algorithms, Duration.ofSeconds(60),
                ClaimMapping.defaults());
    }

    @Test
    void audiencesMustNotBeEmpty() {
        assertThatThrownBy(() -> issuer(List.of(), Set.of("RS256")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("audiences must not be empty");
    }

    @Test
    void hmacNoneAndUnknownAlgorithmsAreRefused() {
        assertThatThrownBy(() -> issuer(List.of("a"), Set.of("HS256")))
                .hasMessage("algorithm HS256 is not allowed: HMAC algorithms cannot be used with public-key issuers");
        assertThatThrownBy(() -> issuer(List.of("a"), Set.of("none")))
                .hasMessage("algorithm none is not allowed");
        assertThatThrownBy(() -> issuer(List.of("a"), Set.of("RS1024")))
                .hasMessageStartingWith("algorithm RS1024 is not supported");
        assertThatThrownBy(() -> issuer(List.of("a"), Set.of()))
                .hasMessage("algorithms must not be empty");
    }

    @Test
    void nullsFallBackToSafeDefaults() {
        IssuerConfig config = new IssuerConfig("https://issuer.example/", List.of("a"), null, null, null, null);
        assertThat(config.algorithms()).containsExactly("RS256");
        assertThat(config.clockSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.claims()).isEqualTo(ClaimMapping.defaults());
        assertThat(config.normalizedIssuer()).isEqualTo("https://issuer.example");
    }

    @Test
    void jwksUriMustBeHttp() {
        assertThatThrownBy(() -> new IssuerConfig("https://i", List.of("a"), URI.create("file:///etc/passwd"),
                null, null, null)).hasMessage("jwksUri must be an http or https URL");
    }

    @Test
    void identityConfigChecksItsFields() {
        IssuerConfig issuer = issuer(List.of("a"), Set.of("RS256", "ES256"));
        assertThatThrownBy(() -> IdentityConfig.of(List.of())).hasMessage("issuers must not be empty");
        assertThatThrownBy(() -> IdentityConfig.of(List.of(issuer, issuer(List.of("b"), Set.of("RS256")))))
                .hasMessageStartingWith("issuers must not list the same issuer twice");
        assertThatThrownBy(() -> new IdentityConfig(List.of(issuer), Duration.ZERO, Duration.ZERO,
                Duration.ofSeconds(1), 100, 0)).hasMessage("jwksCacheTtl must be positive");
        assertThatThrownBy(() -> new IdentityConfig(List.of(issuer), Duration.ofMinutes(1), Duration.ZERO,
                Duration.ofSeconds(1), 0, 0)).hasMessage("maxTokenLength must be positive");
        assertThatThrownBy(() -> new IdentityConfig(List.of(issuer), Duration.ofMinutes(1), Duration.ZERO,
                Duration.ofSeconds(1), 100, -1)).hasMessageStartingWith("tokenCacheSize");
    }
}
