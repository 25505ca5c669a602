package io.gatewaystack.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonRpcTest {

    private static JsonRpc.Parsed parse(String s) {
        return JsonRpc.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void requestNotificationAndResponse() {
        JsonRpc.Message req = parse("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}").entries().getFirst().message();
        assertThat(req.kind()).isEqualTo(JsonRpc.Kind.REQUEST);
        assertThat(req.id().asInt()).isEqualTo(7);
        JsonRpc.Message note = parse("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").entries().getFirst().message();
        assertThat(note.kind()).isEqualTo(JsonRpc.Kind.NOTIFICATION);
        JsonRpc.Message resp = parse("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":{}}").entries().getFirst().message();
        assertThat(resp.kind()).isEqualTo(JsonRpc.Kind.RESPONSE);
        assertThat(parse("{\"jsonrpc\":\"2.0\",\"method\":\"x\"}").hasNoRequests()).isTrue();
    }

    @Test
    void parseErrors() {
        assertThat(parse("{not json").parseError().code()).isEqualTo(JsonRpc.PARSE_ERROR);
        assertThat(parse("").parseError().code()).isEqualTo(JsonRpc.PARSE_ERROR);
    }

    @Test
    void invalidRequests() {
        assertInvalid("{\"id\":1,\"method\":\"ping\"}", "1");              // no jsonrpc
        assertInvalid("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", "1");
        assertInvalid("{\"jsonrpc\":\"2.0\",\"id\":1}", "1");                // no method
        assertInvalid("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}", "1");
        assertInvalid("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}", "null");
        assertInvalid("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", "null");
        assertInvalid("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":3}", "1");
        assertInvalid("42", "null");
        JsonRpc.Parsed empty = parse("[]");
        assertThat(empty.batch()).isTrue();
        assertThat(empty.entries().getFirst().error().code()).isEqualTo(JsonRpc.INVALID_REQUEST);
    }

    private static void assertInvalid(String body, String id) {
        JsonRpc.Entry e = parse(body).entries().getFirst();
        assertThat(e.isValid()).as(body).isFalse();
        assertThat(e.error().code()).isEqualTo(JsonRpc.INVALID_REQUEST);
        assertThat(e.errorId().toString()).isEqualTo(id);
    }

    @Test
    void batchKeepsEachEntry() {
        JsonRpc.Parsed p = parse("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},3,{\"jsonrpc\":\"2.0\",\"method\":\"n\"}]");
        assertThat(p.batch()).isTrue();
        assertThat(p.entries()).hasSize(3);
        assertThat(p.entries().get(1).isValid()).isFalse();
        assertThat(p.hasNoRequests()).isFalse();
    }

    @Test
    void buildsAnswers() {
        assertThat(JsonRpc.error(null, JsonRpc.METHOD_NOT_FOUND, "x").toString())
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32601,\"message\":\"x\"}}");
    }

    @Test
    void negotiatesVersions() {
        assertThat(ProtocolVersions.negotiate("2025-03-26")).isEqualTo("2025-03-26");
        assertThat(ProtocolVersions.negotiate("2025-06-18")).isEqualTo("2025-06-18");
        assertThat(ProtocolVersions.negotiate("2025-11-25")).isEqualTo("2025-11-25");
        assertThat(ProtocolVersions.negotiate("2024-11-05")).isEqualTo("2025-11-25");
        assertThat(ProtocolVersions.negotiate("2099-01-01")).isEqualTo("2025-11-25");
        assertThat(ProtocolVersions.allowsBatches("2025-03-26")).isTrue();
        assertThat(ProtocolVersions.allowsBatches("2025-06-18")).isFalse();
        assertThat(ProtocolVersions.allowsBatches("2025-11-25")).isFalse();
    }
}
