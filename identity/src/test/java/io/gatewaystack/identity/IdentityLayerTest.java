package io.gatewaystack.identity;

import com.nimbusds.jose.jwk.RSAKey;
import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class IdentityLayerTest {

    static final String ISSUER = "https://issuer.layer.example";
    static final String AUDIENCE = "api://gw";
    static final RSAKey KEY = Tokens.rsaKey("k1");

    JwksServer jwks;
    TokenVerifier verifier;
    ExecutorService executor;
    IdentityLayer layer;

    @BeforeEach
    void setUp() throws Exception {
        jwks = new JwksServer();
        jwks.serve(List.of(KEY));
        verifier = new TokenVerifier(IdentityConfig.of(List.of(new IssuerConfig(ISSUER, List.of(AUDIENCE),
                jwks.jwksUri(), Set.of("RS256"), Duration.ofSeconds(60), ClaimMapping.defaults()))));
        executor = Executors.newFixedThreadPool(2);
        layer = new IdentityLayer(verifier, executor);
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
        verifier.close();
        jwks.close();
    }

    static RequestContext request(String authorization) {
        return RequestContext.builder().requestId("req-1").method("GET").path("/protected/ping")
                .headers(name -> "authorization".equalsIgnoreCase(name) ? authorization : null)
                .build();
    }

    static Verdict resolve(Verdict verdict) throws Exception {
        return verdict.isPending() ? verdict.pending().toCompletableFuture().get(5, TimeUnit.SECONDS) : verdict;
    }

    static String validToken() {
        return Tokens.sign(KEY, Tokens.claims(ISSUER, AUDIENCE).claim("scope", "tool.read").build());
    }

    @Test
    void nameIsIdentity() {
        assertThat(layer.name()).isEqualTo("identity");
    }

    @Test
    void missingOrNonBearerHeaderIsMissingToken() {
        for (String header : new String[] {null, "", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc"}) {
            Verdict verdict = layer.onRequest(request(header));
            assertThat(verdict.isRejected()).as("header %s", header).isTrue();
            assertThat(verdict.rejection().code()).isEqualTo(ErrorCode.MISSING_TOKEN);
        }
    }

    @Test
    void firstRequestIsVerifiedAsynchronouslyAndTheNextFromTheCacheSynchronously() throws Exception {
        String token = validToken();

        RequestContext first = request("bearer " + token); // scheme is case-insensitive
        Verdict pending = layer.onRequest(first);
        assertThat(pending.isPending()).isTrue();
        assertThat(resolve(pending).isProceed()).isTrue();
        assertThat(first.identity()).isNotNull();
        assertThat(first.identity().subject()).isEqualTo("user-1");

        RequestContext second = request("Bearer   " + token + "  ");
        Verdict cached = layer.onRequest(second);
        assertThat(cached.isProceed()).as("answered synchronously from the cache").isTrue();
        assertThat(second.identity()).isSameAs(first.identity());
    }

    @Test
    void invalidTokenResolvesToItsRejection() throws Exception {
        RequestContext context = request("Bearer not.a.token");
        Verdict verdict = resolve(layer.onRequest(context));
        assertThat(verdict.isRejected()).isTrue();
        assertThat(verdict.rejection().code()).isEqualTo(ErrorCode.INVALID_TOKEN);
        assertThat(context.identity()).isNull();
    }

    @Test
    void saturatedExecutorAnswersUnavailable() {
        IdentityLayer busy = new IdentityLayer(verifier, task -> {
            throw new RejectedExecutionException("full");
        });
        Verdict verdict = busy.onRequest(request("Bearer " + validToken()));
        assertThat(verdict.isRejected()).isTrue();
        assertThat(verdict.rejection().code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }
}
