package io.gatewaystack.proxy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The gateway's own assertion keys: the one that signs, and every key the JWKS publishes (the signing key plus,
 * during a rotation, the next or the previous one). Publishing two keys while signing with one is what lets
 * replicas switch keys at different moments without any backend rejecting a valid assertion.
 *
 * @param signing   the P-256 private key assertions are signed with; it has a kid
 * @param published the public keys of the JWKS, the signing key first; kids unique
 */
public record AssertionKeys(ECKey signing, List<ECKey> published) {

    public AssertionKeys {
        Objects.requireNonNull(signing, "signing");
        if (!signing.isPrivate() || !Curve.P_256.equals(signing.getCurve()) || signing.getKeyID() == null) {
            throw new IllegalArgumentException("the signing key must be a P-256 private key with a kid");
        }
        List<ECKey> keys = new ArrayList<>();
        Set<String> kids = new LinkedHashSet<>();
        keys.add(signing.toPublicJWK());
        kids.add(signing.getKeyID());
        for (ECKey key : published) {
            if (kids.add(key.getKeyID())) {
                keys.add(key.toPublicJWK());
            }
        }
        published = List.copyOf(keys);
    }

    /** One key that signs and is the only one published. */
    public static AssertionKeys single(ECKey signing) {
        return new AssertionKeys(signing, List.of());
    }

    /**
     * Reads a key file: a single private EC P-256 JWK, or a JWK Set ({@code {"keys": [...]}}) holding the signing key
     * and the other keys to publish (private or public). {@code signingKid} names the signing key; it may be null
     * when the file holds exactly one private key. Every key needs a kid (a single JWK without one gets its
     * thumbprint). Messages name the problem, never key material.
     */
    public static AssertionKeys parse(String json, String signingKid) {
        List<ECKey> keys = new ArrayList<>();
        try {
            Map<String, Object> object = com.nimbusds.jose.util.JSONObjectUtils.parse(json);
            if (object.containsKey("keys")) {
                for (JWK jwk : JWKSet.parse(object).getKeys()) {
                    keys.add(ecKey(jwk));
                }
            } else {
                ECKey key = ecKey(JWK.parse(object));
                keys.add(key.getKeyID() == null ? new ECKey.Builder(key).keyIDFromThumbprint().build() : key);
            }
        } catch (ParseException | JOSEException e) {
            throw new IllegalArgumentException("not a JWK or JWK Set: " + e.getMessage());
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("the key set is empty");
        }
        Set<String> kids = new LinkedHashSet<>();
        for (ECKey key : keys) {
            if (key.getKeyID() == null || key.getKeyID().isBlank()) {
                throw new IllegalArgumentException("every key of a key set needs a kid");
            }
            if (!kids.add(key.getKeyID())) {
                throw new IllegalArgumentException("two keys have the kid " + key.getKeyID());
            }
        }
        ECKey signing;
        if (signingKid != null && !signingKid.isBlank()) {
            signing = keys.stream().filter(k -> signingKid.equals(k.getKeyID())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no key has the signing kid " + signingKid
                            + " (kids: " + String.join(", ", kids) + ")"));
            if (!signing.isPrivate()) {
                throw new IllegalArgumentException("the signing key " + signingKid + " has no private part");
            }
        } else {
            List<ECKey> privateKeys = keys.stream().filter(ECKey::isPrivate).toList();
            if (privateKeys.size() != 1) {
                throw new IllegalArgumentException(privateKeys.isEmpty() ? "no private key to sign with"
                        : "several private keys: name the one that signs (signing_kid)");
            }
            signing = privateKeys.get(0);
        }
        return new AssertionKeys(signing, keys);
    }

    private static ECKey ecKey(JWK jwk) {
        if (!(jwk instanceof ECKey ec) || !Curve.P_256.equals(ec.getCurve())) {
            throw new IllegalArgumentException("every key must be an EC P-256 key (kid " + jwk.getKeyID() + " is not)");
        }
        return ec;
    }

    /** The JWKS JSON backends verify assertions with: public keys only. */
    public String publicJwksJson() {
        return new JWKSet(List.<JWK>copyOf(published)).toString(true);
    }
}
