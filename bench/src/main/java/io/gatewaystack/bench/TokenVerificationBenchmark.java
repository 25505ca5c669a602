package io.gatewaystack.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.gatewaystack.core.Identity;
import io.gatewaystack.identity.IdentityConfig;
import io.gatewaystack.identity.IssuerConfig;
import io.gatewaystack.identity.TokenVerifier;
import io.gatewaystack.identity.VerificationResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cost of verifying one bearer token in the identity layer, per request:
 * <ul>
 *   <li>{@link #coldVerify}: token cache disabled, so every call is the full path (parse, RS256 signature check
 *       with an RSA-2048 key, claim checks, identity mapping). The JWKS is already held, so no network I/O.</li>
 *   <li>{@link #cacheHit}: {@link TokenVerifier#cachedIdentity} on a verifier that has seen the token: a SHA-256
 *       of the token and a Caffeine lookup. This is what the gateway does on the event loop for a known token.</li>
 *   <li>{@link #verifyCached}: {@link TokenVerifier#verify} on that same verifier (cache hit through the blocking
 *       entry point, plus the result object).</li>
 * </ul>
 * Run with {@code bench/jmh.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TokenVerificationBenchmark {

    private static final String ISSUER = "http://127.0.0.1/bench-issuer";
    private static final String AUDIENCE = "https://gateway.bench/api";

    private HttpServer jwksServer;
    private TokenVerifier uncached;
    private TokenVerifier cached;
    private String token;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("bench-key").keyUse(KeyUse.SIGNATURE).generate();
        jwksServer = serveJwks(new JWKSet(key).toPublicJWKSet().toString());
        URI jwksUri = URI.create("http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks.json");

        token = sign(key);

        List<IssuerConfig> issuers = List.of(IssuerConfig.of(ISSUER, List.of(AUDIENCE), jwksUri));
        // A JWKS TTL longer than any run, so no refetch (and no cache expiry) happens during a measurement.
        uncached = new TokenVerifier(config(issuers, 0));
        cached = new TokenVerifier(config(issuers, 10_000));

        // Warm both: fetches the JWKS, and puts the token in the cached verifier's cache.
        requireVerified(uncached.verify(token), "uncached");
        requireVerified(cached.verify(token), "cached");
        if (cached.cachedIdentity(token) == null) {
            throw new IllegalStateException("the token is not in the cache after a successful verify");
        }
        if (uncached.cachedIdentity(token) != null) {
            throw new IllegalStateException("the verifier with tokenCacheSize 0 cached the token");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (uncached != null) {
            uncached.close();
        }
        if (cached != null) {
            cached.close();
        }
        if (jwksServer != null) {
            jwksServer.stop(0);
        }
    }

    @Benchmark
    public VerificationResult coldVerify() {
        return uncached.verify(token);
    }

    @Benchmark
    public Identity cacheHit() {
        return cached.cachedIdentity(token);
    }

    @Benchmark
    public VerificationResult verifyCached() {
        return cached.verify(token);
    }

    private static IdentityConfig config(List<IssuerConfig> issuers, int tokenCacheSize) {
        return new IdentityConfig(issuers, Duration.ofHours(2), Duration.ofSeconds(30), Duration.ofSeconds(3),
                8192, tokenCacheSize);
    }

    private static String sign(RSAKey key) throws JOSEException {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("bench-user")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600)))
                .claim("scope", "tool:read tool:write")
                .build();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT)
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static HttpServer serveJwks(String jwks) throws IOException {
        byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    private static void requireVerified(VerificationResult result, String which) {
        if (!(result instanceof VerificationResult.Verified)) {
            throw new IllegalStateException("warm-up verify on the " + which + " verifier failed: " + result);
        }
    }
}
