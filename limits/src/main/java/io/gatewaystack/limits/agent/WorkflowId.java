package io.gatewaystack.limits.agent;

import io.gatewaystack.core.Identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;

/**
 * What names a workflow: a client-chosen id from the workflow header, or a verified MCP session.
 *
 * <p>A workflow is always bound to the user who calls: {@link #key(Identity)} hashes the verified issuer and
 * subject together with the id, so the same id sent by another user is another workflow, and no user can read,
 * consume or reset someone else's. The key is what the stores see (no subject or id in Redis, fixed length, safe
 * inside a Redis hash tag).
 *
 * @param source where the id came from
 * @param id     the id (validated header value, or the MCP session id)
 */
public record WorkflowId(Source source, String id) {

    /** The longest workflow header value accepted. */
    public static final int MAX_LENGTH = 128;

    public enum Source {
        /** The workflow header (e.g. {@code X-Workflow-Id}), chosen by the client. */
        HEADER,
        /** The verified {@code Mcp-Session-Id} of an MCP request. */
        MCP_SESSION
    }

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    public WorkflowId {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(id, "id");
    }

    /**
     * Why a header value cannot name a workflow, or null when it can: 1 to {@value #MAX_LENGTH} characters of
     * letters, digits and {@code . _ : -} (UUIDs, ULIDs, run names, trace ids fit).
     */
    public static String problemWith(String headerValue) {
        if (headerValue == null || headerValue.isEmpty()) {
            return "is empty";
        }
        if (headerValue.length() > MAX_LENGTH) {
            return "is longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < headerValue.length(); i++) {
            char c = headerValue.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return "may contain only letters, digits, '.', '_', ':' and '-'";
            }
        }
        return null;
    }

    /** The store key of this workflow for this verified user: base64url(SHA-256(issuer, subject, source, id)). */
    public String key(Identity identity) {
        MessageDigest sha = sha256();
        update(sha, identity.issuer());
        update(sha, identity.subject());
        update(sha, source.name());
        update(sha, id);
        return B64.encodeToString(sha.digest());
    }

    /** How audit names the workflow: the header's id, or a short hash of the session (a session id is not logged). */
    public String label() {
        if (source == Source.HEADER) {
            return id;
        }
        MessageDigest sha = sha256();
        update(sha, id);
        return "mcp-session:" + B64.encodeToString(sha.digest()).substring(0, 12);
    }

    /** Length-prefixed, so no two different tuples feed the same bytes. */
    private static void update(MessageDigest sha, String part) {
        byte[] bytes = (part == null ? "" : part).getBytes(StandardCharsets.UTF_8);
        sha.update((byte) (bytes.length >>> 24));
        sha.update((byte) (bytes.length >>> 16));
        sha.update((byte) (bytes.length >>> 8));
        sha.update((byte) bytes.length);
        sha.update(bytes);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }
}
