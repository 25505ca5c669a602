package io.gatewaystack.identity;

import com.nimbusds.jose.jwk.RSAKey;
import io.gatewaystack.core.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Keys appear, disappear and become unreachable; every wait here is bounded. */
class KeyRotationTest {

    static final String ISSUER = "https://rotating.example";
    static final String AUDIENCE = "api://gw";
    static final RSAKey OLD = Tokens.rsaKey("old");
    static final RSAKey NEW = Tokens.rsaKey("new");
    static final RSAKey NEWEST = Tokens.rsaKey("newest");

    JwksServer jwks;

    @BeforeEach
    void start() throws Exception {
        jwks = new JwksServer();
        jwks.serve(List.of(OLD));
    }

    @AfterEach
    void stop() {
        jwks.close();
    }

    TokenVerifier verifier(URI jwksUri, Duration ttl, Duration timeout) {
        IssuerConfig issuer = new IssuerConfig(ISSUER, List.of(AUDIENCE), jwksUri, Set.of("RS256"),
                Duration.ofSeconds(60), ClaimMapping.defaults());
        return new TokenVerifier(new IdentityConfig(List.of(issuer), ttl, Duration.ofMillis(200), timeout, 8192, 100));
    }

    static String token(RSAKey key) {
        return Tokens.sign(key, Tokens.claims(ISSUER, AUDIENCE).build());
    }

    static boolean isCode(VerificationResult result, ErrorCode code) {
        return result instanceof VerificationResult.Rejected r && r.error().code() == code;
    }

    /** Calls until the answer satisfies the condition or three seconds pass; returns the last answer. */
    static VerificationResult eventually(Supplier<VerificationResult> call, Predicate<VerificationResult> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        VerificationResult result = call.get();
        while (!done.test(result) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            result = call.get();
        }
        return result;
    }

    @Test
    void newKeyIsLearntOnUnknownKidAndRemovedKeyStopsWorkingEvenWhenCached() throws Exception {
        try (TokenVerifier verifier = verifier(jwks.jwksUri(), Duration.ofSeconds(30), Duration.ofSeconds(2))) {
            String oldToken = token(OLD);
            assertThat(verifier.verify(oldToken)).isInstanceOf(VerificationResult.Verified.class);
            assertThat(verifier.cachedIdentity(oldToken)).isNotNull();

            // Rotation step 1: the IdP publishes a new key next to the old one.
            jwks.serve(List.of(OLD, NEW));
            String newToken = token(NEW);
            assertThat(eventually(() -> verifier.verify(newToken), VerificationResult.Verified.class::isInstance))
                    .isInstanceOf(VerificationResult.Verified.class);
            assertThat(verifier.cachedIdentity(oldToken)).as("old key still listed").isNotNull();

            // Rotation step 2: the old key is withdrawn; the next refresh (here: an unknown kid) notices.
            jwks.serve(List.of(NEW, NEWEST));
            String newestToken = token(NEWEST);
            assertThat(eventually(() -> verifier.verify(newestToken), VerificationResult.Verified.class::isInstance))
                    .isInstanceOf(VerificationResult.Verified.class);

            assertThat(verifier.cachedIdentity(oldToken)).as("cached result of a removed key").isNull();
            VerificationResult old = verifier.verify(oldToken);
            assertThat(isCode(old, ErrorCode.INVALID_TOKEN)).as("old token: %s", old).isTrue();
            assertThat(verifier.verify(newToken)).isInstanceOf(VerificationResult.Verified.class);
        }
    }

    @Test
    void removedKeyStopsWorkingAfterTheTtlWithoutAnyUnknownKid() throws Exception {
        try (TokenVerifier verifier = verifier(jwks.jwksUri(), Duration.ofMillis(200), Duration.ofSeconds(2))) {
            String oldToken = token(OLD);
            assertThat(verifier.verify(oldToken)).isInstanceOf(VerificationResult.Verified.class);

            jwks.serve(List.of(NEW));

            VerificationResult result = eventually(() -> verifier.verify(oldToken),
                    r -> isCode(r, ErrorCode.INVALID_TOKEN));
            assertThat(isCode(result, ErrorCode.INVALID_TOKEN)).as("old token: %s", result).isTrue();
        }
    }

    @Test
    void outageKeepsKnownKeysAndAnswersUnavailableForUnknownOnes() throws Exception {
        try (TokenVerifier verifier = verifier(jwks.jwksUri(), Duration.ofMillis(200), Duration.ofSeconds(2))) {
            String known = token(OLD);
            assertThat(verifier.verify(known)).isInstanceOf(VerificationResult.Verified.class);

            jwks.close();
            Thread.sleep(300); // past the TTL and the refresh interval: the next lookup tries a fetch

            assertThat(verifier.verify(known)).as("known key survives the outage")
                    .isInstanceOf(VerificationResult.Verified.class);

            Thread.sleep(250);
            long start = System.nanoTime();
            VerificationResult unknown = verifier.verify(token(NEW));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(isCode(unknown, ErrorCode.UNAVAILABLE)).as("unknown kid: %s", unknown).isTrue();
            assertThat(((VerificationResult.Rejected) unknown).error().status()).isEqualTo(503);

            assertThat(verifier.status()).singleElement().satisfies(status -> {
                assertThat(status.jwksReachable()).isFalse();
                assertThat(status.lastError()).isNotBlank();
                assertThat(status.keyCount()).isEqualTo(1);
            });
        }
    }

    @Test
    void unreachableIdentityProviderAnswersUnavailableWithoutHanging() throws Exception {
        // A server that accepts connections and never answers: only the read timeout can end the fetch.
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            URI uri = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/jwks.json");
            try (TokenVerifier verifier = verifier(uri, Duration.ofMinutes(5), Duration.ofMillis(300))) {
                long start = System.nanoTime();
                VerificationResult result = verifier.verify(token(OLD));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
                assertThat(isCode(result, ErrorCode.UNAVAILABLE)).as("%s", result).isTrue();
                assertThat(verifier.status().getFirst().lastError()).isNotBlank();
            }
        }
    }

    @Test
    void unknownKidFloodIsRateLimited() {
        try (TokenVerifier verifier = verifier(jwks.jwksUri(), Duration.ofMinutes(5), Duration.ofSeconds(2))) {
            String unknownKid = token(NEW);
            for (int i = 0; i < 20; i++) {
                assertThat(isCode(verifier.verify(unknownKid), ErrorCode.INVALID_TOKEN)).isTrue();
            }
            // One fetch at first use; the 200 ms minimum interval absorbs the rest of the burst.
            assertThat(jwks.hits("/jwks.json")).isLessThanOrEqualTo(3);
        }
    }
}
