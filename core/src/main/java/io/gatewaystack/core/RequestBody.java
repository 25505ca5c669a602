package io.gatewaystack.core;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * The request body as layers see it, on routes that read bodies (JSON APIs; the reverse proxy only when body
 * inspection is configured — otherwise it streams and layers see no body).
 *
 * <p>The raw bytes are kept so an untouched body is forwarded byte for byte. A layer that changes the content
 * (the transform layer redacting PII, the policy layer capping {@code max_tokens}) calls {@link #replace}; the
 * route then forwards the new JSON. One request, one thread at a time: not thread-safe.
 */
public final class RequestBody {

    private final byte[] raw;
    private final String contentType;
    private JsonNode json;
    private boolean modified;

    /**
     * @param raw         the bytes as received
     * @param contentType the request's Content-Type, or null
     * @param json        the parsed JSON when the body is JSON, else null
     */
    public RequestBody(byte[] raw, String contentType, JsonNode json) {
        this.raw = Objects.requireNonNull(raw, "raw");
        this.contentType = contentType;
        this.json = json;
    }

    /** The bytes as received (do not modify). */
    public byte[] raw() {
        return raw;
    }

    public String contentType() {
        return contentType;
    }

    /** The parsed JSON, or null when the body is not JSON. Layers that change it must call {@link #replace}. */
    public JsonNode json() {
        return json;
    }

    /** Records that the JSON content changed (the same node modified in place, or a new one). */
    public void replace(JsonNode newJson) {
        this.json = Objects.requireNonNull(newJson, "newJson");
        this.modified = true;
    }

    public boolean isModified() {
        return modified;
    }

    /** What to forward: the raw bytes when nothing changed, else the current JSON serialised. */
    public byte[] bytesToForward() {
        return modified ? json.toString().getBytes(StandardCharsets.UTF_8) : raw;
    }
}
