package io.gatewaystack.limits.agent;

import io.gatewaystack.core.JsonMappers;
import io.gatewaystack.core.RequestBody;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The JSON of a request body, also when the server did not parse it (an MCP body sent without a JSON type). */
final class BodyJson {

    private static final JsonMapper MAPPER = JsonMappers.forRequestPath();

    private BodyJson() {
    }

    /** The parsed body, or null when there is none or it is not JSON. */
    static JsonNode of(RequestBody body) {
        if (body == null) {
            return null;
        }
        if (body.json() != null) {
            return body.json();
        }
        try {
            return MAPPER.readTree(body.raw());
        } catch (JacksonException e) {
            return null; // the MCP resource layer has already refused a body that is not JSON-RPC
        }
    }
}
