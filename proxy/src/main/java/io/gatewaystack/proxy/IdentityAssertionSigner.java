package io.gatewaystack.proxy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatewaystack.core.Identity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;

/**
 * Signs the {@code X-Gateway-Identity} assertion: a short-lived ES256 JWT carrying the verified identity, so a
 * backend can check who the user is with the gateway's public key instead of trusting a plain header.
 *
 * <p>Claims: {@code iss} (the gateway), {@code aud} (the upstream), {@code sub}, {@code org_id}, {@code tenant_id},
 * {@code roles}, {@code scope}, {@code email}, {@code idp_iss} (the issuer of the user's token), {@code iat},
 * {@code exp}. The public key is served at {@code /.well-known/gateway-jwks.json}; during a key rotation that JWKS
 * holds two keys (see {@link AssertionKeys}) while one signs.
 *
 * <p>Signing costs tens of microseconds; {@link IdentityInjection} reuses assertions so that is not paid per
 * request.
 */
public final class IdentityAssertionSigner {

    private final AssertionKeys keys;
    private final ECDSASigner signer;
    private final JWSHeader header;
    private final String issuer;
    private final String audience;
    private final Duration ttl;
    private final Clock clock;

    /**
     * @param signingKey a P-256 private key with a key id; {@link #generateKey()} makes an ephemeral one
     * @param issuer     the {@code iss} of assertions (e.g. the gateway's public URL)
     * @param audience   the {@code aud}: which backend the assertion is for
     * @param ttl        the assertion's lifetime
     */
    public IdentityAssertionSigner(ECKey signingKey, String issuer, String audience, Duration ttl, Clock clock) {
        this(singleKey(signingKey), issuer, audience, ttl, clock);
    }

    /**
     * @param keys the signing key and every key the JWKS publishes (two during a rotation)
     */
    public IdentityAssertionSigner(AssertionKeys keys, String issuer, String audience, Duration ttl, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        ECKey signingKey = keys.signing();
        try {
            this.signer = new ECDSASigner(signingKey);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable identity assertion key: " + e.getMessage(), e);
        }
        this.header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).keyID(signingKey.getKeyID()).build();
        this.issuer = issuer;
        this.audience = audience;
        this.ttl = ttl;
        this.clock = clock;
    }

    private static AssertionKeys singleKey(ECKey signingKey) {
        Objects.requireNonNull(signingKey, "signingKey");
        if (!signingKey.isPrivate() || !Curve.P_256.equals(signingKey.getCurve()) || signingKey.getKeyID() == null) {
            throw new IllegalArgumentException("the identity assertion key must be a P-256 private key with a kid");
        }
        return AssertionKeys.single(signingKey);
    }

    /** A fresh P-256 key for one gateway process (assertions then verify only against this process's JWKS). */
    public static ECKey generateKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint(true).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an EC key", e);
        }
    }

    public Duration ttl() {
        return ttl;
    }

    /** The public JWKS JSON that backends use to verify assertions: the signing key, and during a rotation the other. */
    public String publicJwksJson() {
        return keys.publicJwksJson();
    }

    /** The kid assertions are signed with. */
    public String signingKid() {
        return keys.signing().getKeyID();
    }

    public String issuer() {
        return issuer;
    }

    public String audience() {
        return audience;
    }

    /** A newly signed assertion for this identity. */
    public String sign(Identity identity) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(identity.subject())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .claim("idp_iss", identity.issuer())
                .claim("roles", identity.roles())
                .claim("scope", String.join(" ", identity.scopes()));
        if (identity.orgId() != null) {
            claims.claim("org_id", identity.orgId());
        }
        if (identity.tenantId() != null) {
            claims.claim("tenant_id", identity.tenantId());
        }
        if (identity.email() != null) {
            claims.claim("email", identity.email());
        }
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the identity assertion", e);
        }
        return jwt.serialize();
    }
}
