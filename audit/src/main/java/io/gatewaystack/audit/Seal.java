package io.gatewaystack.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A signature over the head of one instance's hash chain: "event {@code seq} of chain {@code instance} has hash
 * {@code headHash}", HMAC-SHA256 signed with a key the database does not hold.
 *
 * <p>What it proves: whoever rewrites the events up to {@code seq} (even recomputing every hash) cannot produce a
 * matching seal without the key, and deleting the events after an earlier seal's position is visible because the
 * seal names a position the chain must reach. What it does not prove: anything about events after the last seal
 * (a truncation of the unsealed tail is undetectable), that the key was not stolen, or that the gateway recorded
 * every request (a compromised gateway can sign lies). See {@code docs/layers/audit.md}.
 *
 * @param instance  the chain
 * @param seq       the position sealed
 * @param headHash  the hash of the event at {@code seq}
 * @param time      when the seal was made, epoch millis
 * @param keyId     names the key (for rotation)
 * @param signature hex HMAC-SHA256 over {@link #signedText()}
 */
public record Seal(String instance, long seq, String headHash, long time, String keyId, String signature) {

    public static final String ALG = "HS256";

    /** The exact text signed. */
    public String signedText() {
        return "gatewaystack-audit-seal/1\n" + instance + "\n" + seq + "\n" + headHash + "\n" + time + "\n" + keyId;
    }

    public static Seal sign(String instance, long seq, String headHash, long time, String keyId, byte[] key) {
        Seal unsigned = new Seal(instance, seq, headHash, time, keyId, null);
        return new Seal(instance, seq, headHash, time, keyId, hmac(key, unsigned.signedText()));
    }

    /** True when the signature matches under {@code key} (constant-time comparison). */
    public boolean verify(byte[] key) {
        if (signature == null) {
            return false;
        }
        byte[] expected = hmac(key, signedText()).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
    }

    static String hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String toJson() {
        return new Json(256).begin().str("type", "seal").str("alg", ALG).str("instance", instance).num("seq", seq)
                .str("head_hash", headHash).str("time", Instant.ofEpochMilli(time).toString()).str("key_id", keyId)
                .str("signature", signature).end().toString();
    }

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    public static Seal fromJson(String json) {
        JsonNode n = MAPPER.readTree(json);
        return new Seal(n.path("instance").asString(), n.path("seq").asLong(), n.path("head_hash").asString(),
                Instant.parse(n.path("time").asString()).toEpochMilli(), n.path("key_id").asString(),
                n.path("signature").isNull() ? null : n.path("signature").asString());
    }
}
