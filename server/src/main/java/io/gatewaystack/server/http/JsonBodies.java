package io.gatewaystack.server.http;

import io.gatewaystack.core.JsonMappers;
import io.vertx.core.buffer.Buffer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The one JSON mapper of the server module (immutable and thread-safe), with small helpers. */
public final class JsonBodies {

    public static final JsonMapper MAPPER = JsonMappers.forRequestPath();

    private JsonBodies() {
    }

    public static Buffer encode(Object value) {
        return Buffer.buffer(MAPPER.writeValueAsBytes(value));
    }

    /** Parses a JSON body; null when it is not valid JSON. */
    public static JsonNode parseOrNull(Buffer body) {
        try {
            return MAPPER.readTree(body.getBytes());
        } catch (JacksonException e) {
            return null;
        }
    }
}
