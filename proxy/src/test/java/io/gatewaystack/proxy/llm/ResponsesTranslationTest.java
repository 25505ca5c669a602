package io.gatewaystack.proxy.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class ResponsesTranslationTest {

    final ResponsesTranslation responses = new ResponsesTranslation();

    static ObjectNode json(String text) {
        return (ObjectNode) StreamTranslatorTest.JSON.readTree(text);
    }

    @Test
    void aResponsesRequestBecomesAChatRequest() {
        ObjectNode chat = responses.toChat(json("""
                {"model":"m","instructions":"Be brief.","max_output_tokens":99,"temperature":0.2,"top_p":0.9,
                 "stream":true,"user":"u","store":true,"metadata":{"k":"v"},"reasoning":{"effort":"low"},
                 "text":{"format":{"type":"json_schema","name":"w","schema":{"type":"object"},"strict":true}},
                 "tools":[{"type":"function","name":"get_weather","parameters":{"type":"object"},"strict":true}],
                 "tool_choice":"required","parallel_tool_calls":false,
                 "input":[{"role":"developer","content":"Use metric units."},
                          {"type":"message","role":"user","content":[{"type":"input_text","text":"Oslo?"},
                                                                      {"type":"input_image","image_url":"https://x/y.png","detail":"low"}]},
                          {"type":"reasoning","id":"rs_1","summary":[]},
                          {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Checking."}]},
                          {"type":"function_call","call_id":"c1","name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"},
                          {"type":"function_call","call_id":"c2","name":"get_weather","arguments":"{\\"city\\":\\"Bergen\\"}"},
                          {"type":"function_call_output","call_id":"c1","output":"-3"},
                          {"type":"function_call_output","call_id":"c2","output":[{"type":"input_text","text":"2"}]}]}"""));
        assertThat(chat.toString()).isEqualTo(json("""
                {"model":"m","messages":[
                  {"role":"system","content":"Be brief."},
                  {"role":"developer","content":"Use metric units."},
                  {"role":"user","content":[{"type":"text","text":"Oslo?"},{"type":"image_url","image_url":{"url":"https://x/y.png","detail":"low"}}]},
                  {"role":"assistant","content":"Checking."},
                  {"role":"assistant","content":null,"tool_calls":[
                    {"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"}},
                    {"id":"c2","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Bergen\\"}"}}]},
                  {"role":"tool","tool_call_id":"c1","content":"-3"},
                  {"role":"tool","tool_call_id":"c2","content":"2"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"},"strict":true}}],
                 "tool_choice":"required","parallel_tool_calls":false,
                 "max_completion_tokens":99,"temperature":0.2,"top_p":0.9,"stream":true,"user":"u",
                 "response_format":{"type":"json_schema","json_schema":{"name":"w","schema":{"type":"object"},"strict":true}},
                 "reasoning_effort":"low"}""").toString());
        // and from there on to Anthropic with the existing translation
        ObjectNode anthropic = new Translation().request(chat, ApiFormat.OPENAI_CHAT, ApiFormat.ANTHROPIC_MESSAGES);
        assertThat(anthropic.get("system").toString()).contains("Be brief.", "Use metric units.");
        assertThat(anthropic.at("/tool_choice/type").asString()).isEqualTo("any");
    }

    @Test
    void whatNeedsStateOrHostedToolsIsRefusedByName() {
        for (String[] c : new String[][] {
                {"{\"previous_response_id\":\"resp_1\",\"input\":\"x\"}", "previous_response_id"},
                {"{\"conversation\":\"conv_1\",\"input\":\"x\"}", "conversation"},
                {"{\"background\":true,\"input\":\"x\"}", "background"},
                {"{\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_1\"}]}", "item_reference"},
                {"{\"tools\":[{\"type\":\"file_search\"}],\"input\":\"x\"}", "file_search"},
                {"{\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\",\"file_id\":\"f\"}]}]}", "input_file"},
                {"{\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"file_id\":\"f\"}]}]}", "file_id"}}) {
            assertThatThrownBy(() -> responses.toChat(json(c[0])))
                    .isInstanceOf(UntranslatableRequestException.class).hasMessageContaining(c[1]);
        }
        assertThatThrownBy(() -> responses.toChat(json("{\"input\":42}"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input");
        assertThatThrownBy(() -> responses.toChat(json("{\"model\":\"m\"}"))).hasMessageContaining("input is required");
        assertThatThrownBy(() -> responses.toChat(json("{\"input\":[{\"role\":\"tool\",\"content\":\"x\"}]}")))
                .hasMessageContaining("role");
    }

    @Test
    void aChatAnswerBecomesAResponseWithMessageAndFunctionCallItems() {
        ObjectNode chat = json("""
                {"id":"chatcmpl-abc","object":"chat.completion","created":1700000000,"model":"up",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Let me look.","tool_calls":[
                   {"id":"call_9","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
                   "finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":20,"completion_tokens":7,"total_tokens":27,"prompt_tokens_details":{"cached_tokens":4},
                          "completion_tokens_details":{"reasoning_tokens":2}}}""");
        ObjectNode request = json("{\"model\":\"alias\",\"instructions\":\"Be brief.\",\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\"}]}");
        ObjectNode r = responses.fromChat(chat, request, "alias");
        assertThat(r.get("id").asString()).isEqualTo("resp_abc");
        assertThat(r.get("object").asString()).isEqualTo("response");
        assertThat(r.get("created_at").asLong()).isEqualTo(1700000000L);
        assertThat(r.get("status").asString()).isEqualTo("completed");
        assertThat(r.get("model").asString()).isEqualTo("alias");
        assertThat(r.get("instructions").asString()).isEqualTo("Be brief.");
        assertThat(r.at("/tools/0/name").asString()).isEqualTo("get_weather");
        assertThat(r.at("/output/0/type").asString()).isEqualTo("message");
        assertThat(r.at("/output/0/content/0/text").asString()).isEqualTo("Let me look.");
        assertThat(r.at("/output/1/type").asString()).isEqualTo("function_call");
        assertThat(r.at("/output/1/call_id").asString()).isEqualTo("call_9");
        assertThat(r.at("/output/1/arguments").asString()).isEqualTo("{\"city\":\"Oslo\"}");
        assertThat(r.at("/usage").toString()).isEqualTo(json("""
                {"input_tokens":20,"input_tokens_details":{"cached_tokens":4},"output_tokens":7,
                 "output_tokens_details":{"reasoning_tokens":2},"total_tokens":27}""").toString());
        for (String required : List.of("error", "incomplete_details", "metadata", "parallel_tool_calls", "temperature",
                "tool_choice", "top_p", "text", "store")) {
            assertThat(r.has(required)).as(required).isTrue();
        }
        assertThat(responses.usage(r)).isEqualTo(new TokenUsage(20, 7, 4));

        ObjectNode cut = responses.fromChat(json("""
                {"id":"chatcmpl-x","choices":[{"message":{"content":"a b"},"finish_reason":"length"}]}"""), request, null);
        assertThat(cut.get("status").asString()).isEqualTo("incomplete");
        assertThat(cut.at("/incomplete_details/reason").asString()).isEqualTo("max_output_tokens");
    }

    static List<SseEvent> events(String wire) {
        return new SseParser().feed(wire.getBytes(StandardCharsets.UTF_8));
    }

    static List<JsonNode> run(StreamConverter converter, String wire) {
        List<JsonNode> out = new ArrayList<>();
        List<SseEvent> all = new ArrayList<>();
        for (SseEvent e : events(wire)) {
            all.addAll(converter.translate(e));
        }
        all.addAll(converter.finish());
        for (SseEvent e : all) {
            JsonNode data = StreamTranslatorTest.JSON.readTree(e.data());
            assertThat(e.event()).isEqualTo(data.get("type").asString());
            out.add(data);
        }
        return out;
    }

    static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.get("type").asString()).toList();
    }

    @Test
    void anOpenAiChatStreamWithTextAndToolCallsBecomesTypedEvents() {
        ResponsesStreamTranslator t = new ResponsesStreamTranslator(ApiFormat.OPENAI_CHAT, json("{\"model\":\"alias\"}"), "alias");
        List<JsonNode> events = run(t, StreamTranslatorTest.OPENAI_STREAM);
        assertThat(types(events)).containsExactly(
                "response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done",
                "response.completed");
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).get("sequence_number").asInt()).isEqualTo(i);
        }
        assertThat(events.get(6).get("text").asString()).isEqualTo("H\u00e9llo \uD83C\uDF0D");
        assertThat(events.get(12).get("arguments").asString()).isEqualTo("{\"city\": \"Paris\"}");
        assertThat(events.get(12).get("output_index").asInt()).isEqualTo(1);
        JsonNode done = events.getLast().get("response");
        assertThat(done.get("status").asString()).isEqualTo("completed");
        assertThat(done.get("model").asString()).isEqualTo("alias");
        assertThat(done.at("/output/0/content/0/text").asString()).isEqualTo("H\u00e9llo \uD83C\uDF0D");
        assertThat(done.at("/output/1/call_id").asString()).isEqualTo("call_1");
        assertThat(done.at("/output/2/name").asString()).isEqualTo("get_time");
        assertThat(done.at("/usage/input_tokens").asInt()).isEqualTo(42);
        assertThat(done.at("/usage/input_tokens_details/cached_tokens").asInt()).isEqualTo(8);
        assertThat(done.at("/usage/output_tokens").asInt()).isEqualTo(17);
        assertThat(events.get(0).at("/response/status").asString()).isEqualTo("in_progress");
        assertThat(events.get(0).at("/response/output").size()).isZero();
        assertThat(t.usage()).isEqualTo(new TokenUsage(42, 17, 8));
        assertThat(t.sawFirstContent()).isTrue();
    }

    @Test
    void anAnthropicStreamBecomesTypedEventsThroughChat() {
        ResponsesStreamTranslator t = new ResponsesStreamTranslator(ApiFormat.ANTHROPIC_MESSAGES, json("{}"), "alias");
        List<JsonNode> events = run(t, StreamTranslatorTest.ANTHROPIC_STREAM);
        assertThat(types(events).getFirst()).isEqualTo("response.created");
        assertThat(types(events).getLast()).isEqualTo("response.completed");
        JsonNode done = events.getLast().get("response");
        assertThat(done.get("id").asString()).isEqualTo("resp_01up");
        assertThat(done.at("/output/0/content/0/text").asString()).isEqualTo("H\u00e9llo \uD83C\uDF0D");
        assertThat(done.at("/output/1/type").asString()).isEqualTo("function_call");
        assertThat(done.at("/output/1/call_id").asString()).isEqualTo("toolu_01");
        assertThat(done.at("/output/1/arguments").asString()).isEqualTo("{\"city\": \"Paris\"}");
        assertThat(done.at("/usage/input_tokens").asInt()).isEqualTo(33); // 25 + cache read 5 + cache creation 3
        assertThat(done.at("/usage/output_tokens").asInt()).isEqualTo(17);
    }

    @Test
    void anUpstreamErrorEndsTheStreamWithAnErrorEvent() {
        ResponsesStreamTranslator t = new ResponsesStreamTranslator(ApiFormat.OPENAI_CHAT, json("{}"), "m");
        List<JsonNode> events = run(t, StreamTranslatorTest.chunk("\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null")
                + "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"code\":\"overloaded\"}}\n\n");
        assertThat(types(events).getLast()).isEqualTo("error");
        assertThat(events.getLast().get("message").asString()).isEqualTo("overloaded");
        assertThat(events.getLast().get("code").asString()).isEqualTo("overloaded");
        assertThat(types(events)).doesNotContain("response.completed");
    }

    @Test
    void aNativeStreamPassesUnchangedAndItsUsageIsRead() {
        ResponsesPassThrough pass = new ResponsesPassThrough();
        String wire = """
                event: response.created
                data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","usage":null}}

                event: response.output_text.delta
                data: {"type":"response.output_text.delta","sequence_number":1,"delta":"Hi"}

                event: response.completed
                data: {"type":"response.completed","sequence_number":2,"response":{"id":"resp_1","usage":{"input_tokens":9,"input_tokens_details":{"cached_tokens":1},"output_tokens":1,"total_tokens":10}}}

                """;
        List<SseEvent> in = events(wire);
        List<SseEvent> out = new ArrayList<>();
        for (SseEvent e : in) {
            out.addAll(pass.translate(e));
            if (e.event().equals("response.created")) {
                assertThat(pass.sawFirstContent()).isFalse();
            }
        }
        assertThat(out).isEqualTo(in);
        assertThat(pass.sawFirstContent()).isTrue();
        assertThat(pass.usage()).isEqualTo(new TokenUsage(9, 1, 1));
    }
}
