package io.gatewaystack.audit.privacy;

import io.gatewaystack.audit.AuditEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Crypto-shredding of the audit trail's personal field: the caller's {@code sub} is stored encrypted
 * (AES-256-GCM) under a data key of that user, and the data keys live in a separate key table, wrapped
 * (AES-256-GCM) under the configured master key. Deleting a user's data keys makes every {@code sub} of theirs
 * unreadable, while the events, and the hash chain computed over the encrypted form, stay intact and verifiable.
 *
 * <ul>
 *   <li>{@code identity.sub_enc = "v1.<key id>.<base64url(nonce | ciphertext | tag)>"}, with the event id as
 *       associated data (a ciphertext cannot be moved to another event); {@code identity.sub} is then null.</li>
 *   <li>A data key record: key id, the {@code subject_ref} (HMAC-SHA256 of the {@code sub} under a key derived
 *       from the master key: how erasure finds a user's keys without the table naming them), the wrapped key and
 *       its creation time. It travels through the spool before the first event that uses it.</li>
 *   <li>Each user gets a new data key every {@code rotation} (default 24 h) per gateway instance, so the writer's
 *       in-memory cache stays small and an erasure also covers events a running gateway wrote just after it
 *       (they used a key created before the erasure, which is refused).</li>
 * </ul>
 *
 * <p>Not thread-safe for {@link #protect} (the single audit writer thread calls it); {@link #open} and
 * {@link #unwrap} are pure.
 */
public final class SubjectCipher {

    /** What {@link #protect} gives back: the event to chain, and a data key record to spool before it (or null). */
    public record Protected(AuditEvent event, String newKeyRecord) {
    }

    /** One data key record, as stored in the key table. */
    public record KeyRecord(String keyId, String subjectRef, String wrappedKey, long createdMillis) {
        private static final JsonMapper MAPPER = JsonMapper.builder().build();

        public String toJson() {
            return MAPPER.createObjectNode().put("type", "subject_key").put("key_id", keyId).put("subject_ref", subjectRef)
                    .put("wrapped_key", wrappedKey).put("created", Instant.ofEpochMilli(createdMillis).toString()).toString();
        }

        public static KeyRecord fromJson(String json) {
            JsonNode n = MAPPER.readTree(json);
            return new KeyRecord(n.get("key_id").asString(), n.get("subject_ref").asString(), n.get("wrapped_key").asString(),
                    Instant.parse(n.get("created").asString()).toEpochMilli());
        }
    }

    private static final String PREFIX = "v1.";
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final int CACHE_LIMIT = 100_000;

    private final SecretKey wrapKey;
    private final byte[] refKey;
    private final long rotationMillis;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, CachedKey> cache = new LinkedHashMap<>();

    private record CachedKey(String keyId, SecretKey key, long createdMillis) {
    }

    /** @param masterKey at least 32 bytes ({@code GATEWAYSTACK_AUDIT_DATA_KEY}) */
    public SubjectCipher(byte[] masterKey, java.time.Duration rotation) {
        if (masterKey == null || masterKey.length < 32) {
            throw new IllegalArgumentException("the audit data key must be at least 32 bytes");
        }
        this.wrapKey = new SecretKeySpec(derive(masterKey, "gatewaystack-audit-wrap/1"), "AES");
        this.refKey = derive(masterKey, "gatewaystack-audit-subject-ref/1");
        this.rotationMillis = rotation.toMillis();
    }

    public SubjectCipher(byte[] masterKey) {
        this(masterKey, java.time.Duration.ofHours(24));
    }

    /** How erasure and the key table name a user: hex HMAC-SHA256 of the {@code sub}. */
    public String subjectRef(String sub) {
        return HexFormat.of().formatHex(hmac(refKey, sub.getBytes(StandardCharsets.UTF_8)));
    }

    /** The event with its {@code sub} encrypted (unchanged when it has none). Writer thread only. */
    public Protected protect(AuditEvent e, long nowMillis) {
        AuditEvent.Actor id = e.identity();
        if (id == null || id.sub() == null) {
            return new Protected(e, null);
        }
        CachedKey k = cache.get(id.sub());
        String newRecord = null;
        if (k == null || nowMillis - k.createdMillis() >= rotationMillis) {
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear(); // bounded: users just get a fresh key
            }
            byte[] raw = new byte[32];
            random.nextBytes(raw);
            byte[] idBytes = new byte[16];
            random.nextBytes(idBytes);
            String keyId = "sk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(idBytes);
            k = new CachedKey(keyId, new SecretKeySpec(raw, "AES"), nowMillis);
            cache.put(id.sub(), k);
            newRecord = new KeyRecord(keyId, subjectRef(id.sub()), wrap(keyId, raw), nowMillis).toJson();
        }
        byte[] ct = seal(k.key(), id.sub().getBytes(StandardCharsets.UTF_8), e.eventId().getBytes(StandardCharsets.UTF_8));
        String enc = PREFIX + k.keyId() + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(ct);
        return new Protected(e.withIdentity(new AuditEvent.Actor(null, id.org(), id.tenant(), id.roles(), id.issuer(),
                id.client(), enc)), newRecord);
    }

    /** The key id inside a {@code sub_enc} value, or null when it is not one. */
    public static String keyIdOf(String subEnc) {
        if (subEnc == null || !subEnc.startsWith(PREFIX)) {
            return null;
        }
        int dot = subEnc.indexOf('.', PREFIX.length());
        return dot < 0 ? null : subEnc.substring(PREFIX.length(), dot);
    }

    /** Unwraps a stored data key (null when it does not unwrap under this master key). */
    public SecretKey unwrap(String keyId, String wrapped) {
        try {
            byte[] raw = open(wrapKey, Base64.getUrlDecoder().decode(wrapped), keyId.getBytes(StandardCharsets.UTF_8));
            return new SecretKeySpec(raw, "AES");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Decrypts a {@code sub_enc} of event {@code eventId} with its data key; null when it does not decrypt. */
    public static String open(String subEnc, String eventId, SecretKey key) {
        String keyId = keyIdOf(subEnc);
        if (keyId == null || key == null) {
            return null;
        }
        try {
            byte[] ct = Base64.getUrlDecoder().decode(subEnc.substring(PREFIX.length() + keyId.length() + 1));
            return new String(open(key, ct, eventId.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    private String wrap(String keyId, byte[] raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(seal(wrapKey, raw, keyId.getBytes(StandardCharsets.UTF_8)));
    }

    private byte[] seal(SecretKey key, byte[] plain, byte[] aad) {
        try {
            byte[] nonce = new byte[NONCE];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad);
            byte[] ct = c.doFinal(plain);
            return ByteBuffer.allocate(NONCE + ct.length).put(nonce).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] open(SecretKey key, byte[] sealed, byte[] aad) throws GeneralSecurityException {
        if (sealed.length < NONCE + TAG_BITS / 8) {
            throw new GeneralSecurityException("too short");
        }
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE));
        c.updateAAD(aad);
        return c.doFinal(sealed, NONCE, sealed.length - NONCE);
    }

    private static byte[] derive(byte[] master, String label) {
        return hmac(master, label.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
