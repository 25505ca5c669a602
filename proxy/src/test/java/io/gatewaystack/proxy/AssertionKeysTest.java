package io.gatewaystack.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import io.gatewaystack.core.Identity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The assertion key file: one key, or a JWK Set of two during a rotation, and which of them signs. */
class AssertionKeysTest {

    static final ECKey OLD = withKid("gs-2026-10");
    static final ECKey NEW = withKid("gs-2026-11");
    static final Identity ALICE = new Identity("alice", "https://idp.test", "acme", null, List.of("admin"),
            List.of("tool:read"), null, null, null, null, Instant.now().plusSeconds(300), Map.of());

    static ECKey withKid(String kid) {
        return new ECKey.Builder(IdentityAssertionSigner.generateKey()).keyID(kid).build();
    }

    static String set(JWK... keys) {
        return new JWKSet(List.of(keys)).toString(false); // includes private parts, as a key file does
    }

    static IdentityAssertionSigner signer(AssertionKeys keys) {
        return new IdentityAssertionSigner(keys, "https://gw.test", "https://backend.test", Duration.ofMinutes(2), Clock.systemUTC());
    }

    @Test
    void aSingleJwkSignsAndIsTheOnlyPublishedKey() throws Exception {
        ECKey noKid = new ECKey.Builder(IdentityAssertionSigner.generateKey()).keyID(null).build();
        AssertionKeys keys = AssertionKeys.parse(noKid.toJSONString(), null);
        assertThat(keys.signing().getKeyID()).isEqualTo(noKid.computeThumbprint().toString());
        assertThat(JWKSet.parse(keys.publicJwksJson()).getKeys()).hasSize(1);
    }

    @Test
    void duringARotationBothKeysArePublishedAndTheNamedOneSigns() throws Exception {
        AssertionKeys beforeSwitch = AssertionKeys.parse(set(OLD, NEW), "gs-2026-10");
        AssertionKeys afterSwitch = AssertionKeys.parse(set(OLD, NEW), "gs-2026-11");
        String oldAssertion = signer(beforeSwitch).sign(ALICE);
        String newAssertion = signer(afterSwitch).sign(ALICE);
        assertThat(SignedJWT.parse(oldAssertion).getHeader().getKeyID()).isEqualTo("gs-2026-10");
        assertThat(SignedJWT.parse(newAssertion).getHeader().getKeyID()).isEqualTo("gs-2026-11");

        // either JWKS (a replica before or after the switch) verifies either assertion
        for (AssertionKeys published : List.of(beforeSwitch, afterSwitch)) {
            String json = signer(published).publicJwksJson();
            assertThat(json).doesNotContain("\"d\"");
            JWKSet jwks = JWKSet.parse(json);
            assertThat(jwks.getKeys()).extracting(JWK::getKeyID).containsExactlyInAnyOrder("gs-2026-10", "gs-2026-11");
            for (String assertion : List.of(oldAssertion, newAssertion)) {
                SignedJWT jwt = SignedJWT.parse(assertion);
                ECKey key = (ECKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
                assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();
            }
        }
        // the signing key is listed first: backends that take the first key get the current one
        assertThat(JWKSet.parse(afterSwitch.publicJwksJson()).getKeys().get(0).getKeyID()).isEqualTo("gs-2026-11");
    }

    @Test
    void theNextKeyMayBePublishedWithoutItsPrivatePart() throws Exception {
        AssertionKeys keys = AssertionKeys.parse(set(OLD, NEW.toPublicJWK()), null);
        assertThat(keys.signing().getKeyID()).isEqualTo("gs-2026-10");
        assertThat(keys.published()).extracting(ECKey::getKeyID).containsExactly("gs-2026-10", "gs-2026-11");
        assertThatThrownBy(() -> AssertionKeys.parse(set(OLD, NEW.toPublicJWK()), "gs-2026-11"))
                .hasMessage("the signing key gs-2026-11 has no private part");
    }

    @Test
    void anAmbiguousOrBrokenKeyFileIsRefusedWithAReason() throws Exception {
        assertThatThrownBy(() -> AssertionKeys.parse(set(OLD, NEW), null))
                .hasMessageContaining("several private keys: name the one that signs");
        assertThatThrownBy(() -> AssertionKeys.parse(set(OLD, NEW), "gs-1999"))
                .hasMessage("no key has the signing kid gs-1999 (kids: gs-2026-10, gs-2026-11)");
        assertThatThrownBy(() -> AssertionKeys.parse(set(OLD, withKid("gs-2026-10")), null))
                .hasMessage("two keys have the kid gs-2026-10");
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa").generate();
        assertThatThrownBy(() -> AssertionKeys.parse(set(OLD, rsa), null))
                .hasMessageContaining("EC P-256");
        assertThatThrownBy(() -> AssertionKeys.parse("{\"keys\":[]}", null)).hasMessage("the key set is empty");
        assertThatThrownBy(() -> AssertionKeys.parse("not json", null)).hasMessageStartingWith("not a JWK or JWK Set");
        // no message ever carries key material
        assertThatThrownBy(() -> AssertionKeys.parse(set(OLD.toPublicJWK()), null))
                .hasMessage("no private key to sign with");
    }
}
