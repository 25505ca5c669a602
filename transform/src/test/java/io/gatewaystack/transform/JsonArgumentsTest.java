package io.gatewaystack.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.transform.json.BodyShape;
import io.gatewaystack.transform.redact.Action;
import io.gatewaystack.transform.redact.ActionPolicy;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tool call's arguments are JSON written in a string: a value right after an escape sequence ({@code \n}) is
 * found whole, and a placeholder leaves the arguments valid JSON.
 */
class JsonArgumentsTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    @Test
    void requestToolCallArgumentsAreScannedAsJsonText() {
        String arguments = "{\"body\":\"Hi\\nbob@example.com\",\"key\":\"x\\nAKIAIOSFODNN7EXAMPLE\"}";
        JsonNode body = MAPPER.createObjectNode();
        var call = ((tools.jackson.databind.node.ObjectNode) body).putArray("messages").addObject().put("role", "assistant")
                .putArray("tool_calls").addObject().put("id", "c1").put("type", "function");
        call.putObject("function").put("name", "send").put("arguments", arguments);
        TransformEngine engine = new TransformEngine(TransformConfig.defaults().withBodyShape(BodyShape.CHAT)
                .withActions(ActionPolicy.all(Action.PLACEHOLDER)).withBlockThreshold(TransformConfig.NEVER_BLOCK));

        TransformReport report = engine.transformJson(body);

        String out = body.at("/messages/0/tool_calls/0/function/arguments").asString();
        assertThat(out).isEqualTo("{\"body\":\"Hi\\n[EMAIL]\",\"key\":\"x\\n[AWS_ACCESS_KEY]\"}");
        assertThat(MAPPER.readTree(out).get("body").asString()).isEqualTo("Hi\n[EMAIL]");
        assertThat(report.countsByType()).containsEntry("email", 1).containsEntry("aws_access_key", 1);
    }
}
