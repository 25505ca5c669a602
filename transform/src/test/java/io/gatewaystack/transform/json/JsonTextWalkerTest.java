package io.gatewaystack.transform.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class JsonTextWalkerTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private final JsonTextWalker walker = new JsonTextWalker();

    private List<String> paths(String json, BodyShape shape) {
        return walker.texts(MAPPER.readTree(json), shape).stream().map(TextSlot::path).toList();
    }

    @Test
    void openAiChatStringAndParts() {
        String json = """
                {"model":"gpt-4o","messages":[{"role":"system","content":"be nice"},
                 {"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"http://x"}}]},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"c1","function":{"name":"f","arguments":"{\\"a\\":1}"}}]}]}""";
        assertThat(paths(json, BodyShape.AUTO)).containsExactly("/messages/0/content", "/messages/1/content/0/text",
                "/messages/2/tool_calls/0/function/arguments");
    }

    @Test
    void anthropicMessages() {
        String json = """
                {"model":"claude","system":[{"type":"text","text":"sys"}],"max_tokens":10,
                 "messages":[{"role":"user","content":"hello"},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"res"}]},
                   {"type":"tool_use","id":"u","name":"n","input":{"q":"query"}}]}]}""";
        assertThat(paths(json, BodyShape.CHAT)).containsExactly("/system/0/text", "/messages/0/content",
                "/messages/1/content/0/content/0/text", "/messages/1/content/1/input/q");
    }

    @Test
    void responsesAndEmbeddings() {
        assertThat(paths("{\"model\":\"m\",\"input\":\"hello\"}", BodyShape.AUTO)).containsExactly("/input");
        assertThat(paths("{\"input\":[\"a\",\"b\",[1,2]]}", BodyShape.EMBEDDINGS)).containsExactly("/input/0", "/input/1");
        assertThat(paths("""
                {"instructions":"i","input":[{"role":"user","content":[{"type":"input_text","text":"t"}]},
                 {"type":"function_call_output","call_id":"c","output":"o"}]}""", BodyShape.RESPONSES))
                .containsExactly("/instructions", "/input/0/content/0/text", "/input/1/output");
    }

    @Test
    void mcpToolsCallArgumentsAndResults() {
        assertThat(paths("""
                {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"send","arguments":{"to":"a","body":{"x":["y",3]}}}}""",
                BodyShape.AUTO)).containsExactlyInAnyOrder("/params/arguments/to", "/params/arguments/body/x/0");
        assertThat(paths("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"r\"}]}}",
                BodyShape.MCP_TOOLS_CALL)).containsExactly("/result/content/0/text");
    }

    @Test
    void anyJsonVisitsEveryStringLeafButNotKeys() {
        assertThat(paths("{\"a/b\":\"1\",\"n\":2,\"arr\":[\"x\",{\"k\":\"y\"}],\"t\":true}", BodyShape.ANY_JSON))
                .containsExactlyInAnyOrder("/a~1b", "/arr/0", "/arr/1/k");
    }

    @Test
    void writingBackKeepsTheStructure() {
        JsonNode root = MAPPER.readTree("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"x\"}]}],\"n\":1}");
        walker.texts(root, BodyShape.AUTO).forEach(s -> s.set("changed"));
        assertThat(root.toString()).isEqualTo("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"changed\"}]}],\"n\":1}");
        JsonNode arr = MAPPER.readTree("{\"input\":[\"a\",\"b\"]}");
        walker.texts(arr, BodyShape.AUTO).get(1).set("B");
        assertThat(arr.toString()).isEqualTo("{\"input\":[\"a\",\"B\"]}");
    }

    @Test
    void deepNestingIsWalkedWithoutRecursionAndLimited() {
        int depth = 400;
        String json = "[".repeat(depth) + "\"deep\"" + "]".repeat(depth);
        JsonNode root = MAPPER.readTree(json);
        assertThat(new JsonTextWalker(1000).texts(root, BodyShape.ANY_JSON)).hasSize(1);
        assertThatThrownBy(() -> new JsonTextWalker(100).texts(root, BodyShape.ANY_JSON)).isInstanceOf(JsonTooDeepException.class);
    }
}
