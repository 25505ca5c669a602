package io.gatewaystack.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class RequestBodyTest {
    @Test
    void forwardsTheRawBytesUntilALayerReplacesTheJson() {
        byte[] raw = "{ \"model\" : \"gpt\",  \"max_tokens\": 9000 }".getBytes(StandardCharsets.UTF_8);
        ObjectNode json = (ObjectNode) JsonMapper.builder().build().readTree(raw);
        RequestBody body = new RequestBody(raw, "application/json", json);
        assertThat(body.bytesToForward()).isSameAs(raw);
        json.put("max_tokens", 1000);
        body.replace(json);
        assertThat(body.isModified()).isTrue();
        assertThat(new String(body.bytesToForward(), StandardCharsets.UTF_8)).isEqualTo("{\"model\":\"gpt\",\"max_tokens\":1000}");
    }
}
