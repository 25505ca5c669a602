package io.gatewaystack.mcp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless MCP sessions: the {@code Mcp-Session-Id} is a self-contained token signed with HMAC-SHA256, so any
 * replica holding the key can serve any request of a session — no sticky routing, no shared store.
 *
 * <p>Token: {@code base64url(payload) "." base64url(hmac(payload))}. The payload (binary, 1 + 8 + 32 + 16 + n
 * bytes) holds a format byte, the expiry (epoch seconds), SHA-256 of the subject the session was created for (the
 * subject itself is not disclosed), 16 random bytes (two sessions of one user differ) and the negotiated protocol
 * version. Every id is visible ASCII (0x21-0x7E) as the transport requires.
 *
 * <p>A token that is malformed, tampered with, signed with another key, expired or presented by another subject
 * resolves to nothing: the transport answers 404 and the client starts a new session. Ending a session early
 * ({@code DELETE}) is not possible without shared state; sessions end at their expiry.
 */
public final class McpSessions {

    /** A verified session. */
    public record Session(String protocolVersion, long expiresAtEpochSecond) {
    }

    /** Why a presented id was not accepted (for logs and tests; the client only sees 404). */
    public enum Rejection { MALFORMED, BAD_SIGNATURE, EXPIRED, OTHER_SUBJECT }

    /** The outcome of {@link #verify}: a session, or why not. */
    public record Verification(Session session, Rejection rejection) {
        public boolean isValid() {
            return session != null;
        }
    }

    private static final byte FORMAT = 1;
    private static final int FIXED = 1 + 8 + 32 + 16;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final SecretKeySpec key;
    /** One initialised Mac per event-loop thread: looking the algorithm up per request showed in profiles. */
    private final ThreadLocal<Mac> macs;
    private final ThreadLocal<MessageDigest> digests = ThreadLocal.withInitial(McpSessions::newDigest);
    private final Duration ttl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param key   the HMAC key, at least 32 bytes; every replica must have the same one
     * @param ttl   how long a session lives (clients re-initialize after a 404)
     */
    public McpSessions(byte[] key, Duration ttl, Clock clock) {
        Objects.requireNonNull(key, "key");
        if (key.length < 32) {
            throw new IllegalArgumentException("the MCP session key must be at least 32 bytes");
        }
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the MCP session lifetime must be positive");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> newMac(this.key));
        this.ttl = ttl;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A fresh random key, for one process or tests (then sessions do not survive a restart or cross replicas). */
    public static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    public Duration ttl() {
        return ttl;
    }

    /** A new session id for this subject and negotiated version. */
    public String create(String subject, String protocolVersion) {
        byte[] version = protocolVersion.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer payload = ByteBuffer.allocate(FIXED + version.length);
        payload.put(FORMAT);
        payload.putLong(clock.instant().plus(ttl).getEpochSecond());
        payload.put(sha256(subject));
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        payload.put(nonce);
        payload.put(version);
        byte[] p = payload.array();
        return B64.encodeToString(p) + "." + B64.encodeToString(mac(p));
    }

    /** Checks a presented id for this subject. Never throws on bad input. */
    public Verification verify(String sessionId, String subject) {
        if (sessionId == null || sessionId.length() > 512) {
            return new Verification(null, Rejection.MALFORMED);
        }
        int dot = sessionId.indexOf('.');
        if (dot <= 0 || dot != sessionId.lastIndexOf('.')) {
            return new Verification(null, Rejection.MALFORMED);
        }
        byte[] payload;
        byte[] tag;
        try {
            payload = B64D.decode(sessionId.substring(0, dot));
            tag = B64D.decode(sessionId.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return new Verification(null, Rejection.MALFORMED);
        }
        if (!MessageDigest.isEqual(mac(payload), tag)) {
            return new Verification(null, Rejection.BAD_SIGNATURE);
        }
        if (payload.length <= FIXED || payload[0] != FORMAT) {
            return new Verification(null, Rejection.MALFORMED);
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        b.get();
        long expiresAt = b.getLong();
        byte[] subjectHash = new byte[32];
        b.get(subjectHash);
        if (clock.instant().getEpochSecond() >= expiresAt) {
            return new Verification(null, Rejection.EXPIRED);
        }
        if (subject == null || !MessageDigest.isEqual(subjectHash, sha256(subject))) {
            return new Verification(null, Rejection.OTHER_SUBJECT);
        }
        String version = new String(Arrays.copyOfRange(payload, FIXED, payload.length), StandardCharsets.US_ASCII);
        return new Verification(new Session(version, expiresAt), null);
    }

    private byte[] mac(byte[] data) {
        return macs.get().doFinal(data); // doFinal resets the Mac for the thread's next use
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private byte[] sha256(String s) {
        return digests.get().digest(s.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
