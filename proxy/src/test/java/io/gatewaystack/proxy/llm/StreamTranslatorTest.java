package io.gatewaystack.proxy.llm;

import static io.gatewaystack.proxy.llm.ApiFormat.ANTHROPIC_MESSAGES;
import static io.gatewaystack.proxy.llm.ApiFormat.OPENAI_CHAT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class StreamTranslatorTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static String chunk(String deltaAndFinish) {
        return "data: {\"id\":\"chatcmpl-up1\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,"
                + "\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0," + deltaAndFinish
                + ",\"logprobs\":null}],\"usage\":null}\n\n";
    }

    /** An OpenAI stream as the API sends it with stream_options.include_usage: text, two tool calls, usage, [DONE]. */
    static final String OPENAI_STREAM = chunk("\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"finish_reason\":null")
            + ": keep-alive comment\n\n"
            + chunk("\"delta\":{\"content\":\"H\u00e9l\"},\"finish_reason\":null")
            + chunk("\"delta\":{\"content\":\"lo \uD83C\uDF0D\"},\"finish_reason\":null")
            + chunk("\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null")
            + chunk("\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"ci\"}}]},\"finish_reason\":null")
            + chunk("\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"ty\\\": \\\"Paris\\\"}\"}}]},\"finish_reason\":null")
            + chunk("\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_2\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]},\"finish_reason\":null")
            + chunk("\"delta\":{},\"finish_reason\":\"tool_calls\"")
            + "data: {\"id\":\"chatcmpl-up1\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,\"model\":\"gpt-4o-2024-08-06\","
            + "\"choices\":[],\"usage\":{\"prompt_tokens\":42,\"completion_tokens\":17,\"total_tokens\":59,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":8},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}\n\n"
            + "data: [DONE]\n\n";

    /** An Anthropic stream as the API sends it: text, a ping, a tool_use with input_json_delta fragments, usage. */
    static final String ANTHROPIC_STREAM = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_01up","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":3,"cache_read_input_tokens":5,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: ping
            data: {"type": "ping"}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"H\u00e9l"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo \uD83C\uDF0D"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\": \\"Pa"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ris\\"}"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":1}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":17}}

            event: message_stop
            data: {"type":"message_stop"}

            """.replace("\n", "\r\n");

    // ------------------------------------------------------------------------------- client-side reassembly

    record ToolCall(String id, String name, String arguments) {
    }

    record Assembled(String id, String model, String text, List<ToolCall> tools, String stop, TokenUsage usage, boolean ended) {
    }

    /** Reassembles what an OpenAI SDK would build from the chunks; checks the chunk framing on the way. */
    static Assembled openAiClient(List<SseEvent> events) {
        StringBuilder text = new StringBuilder();
        Map<Integer, String[]> calls = new LinkedHashMap<>();
        String stop = null;
        String id = null;
        String model = null;
        TokenUsage usage = TokenUsage.NONE;
        boolean done = false;
        for (SseEvent e : events) {
            assertThat(done).as("nothing after [DONE]").isFalse();
            assertThat(e.event()).as("OpenAI events are unnamed").isNull();
            if (e.isDone()) {
                done = true;
                continue;
            }
            JsonNode c = JSON.readTree(e.data());
            assertThat(c.get("object").asString()).isEqualTo("chat.completion.chunk");
            id = c.get("id").asString();
            model = c.get("model").asString();
            if (c.get("usage") != null && c.get("usage").isObject()) {
                assertThat(c.get("choices").isEmpty()).isTrue();
                usage = new TokenUsage(c.at("/usage/prompt_tokens").asLong(), c.at("/usage/completion_tokens").asLong(),
                        c.at("/usage/prompt_tokens_details/cached_tokens").asLong());
                assertThat(c.at("/usage/total_tokens").asLong()).isEqualTo(usage.totalTokens());
            }
            for (JsonNode choice : c.get("choices")) {
                JsonNode d = choice.get("delta");
                if (d.has("content") && d.get("content").isString()) {
                    text.append(d.get("content").asString());
                }
                if (d.has("tool_calls")) {
                    for (JsonNode tc : d.get("tool_calls")) {
                        String[] call = calls.computeIfAbsent(tc.get("index").asInt(), k -> new String[] {null, null, ""});
                        if (tc.has("id")) {
                            call[0] = tc.get("id").asString();
                        }
                        if (tc.at("/function/name").isString()) {
                            call[1] = tc.at("/function/name").asString();
                        }
                        if (tc.at("/function/arguments").isString()) {
                            call[2] += tc.at("/function/arguments").asString();
                        }
                    }
                }
                if (choice.get("finish_reason").isString()) {
                    stop = choice.get("finish_reason").asString();
                }
            }
        }
        List<ToolCall> tools = calls.values().stream().map(c -> new ToolCall(c[0], c[1], c[2])).toList();
        return new Assembled(id, model, text.toString(), tools, stop, usage, done);
    }

    /** Reassembles what an Anthropic SDK would build from the events; checks the event grammar on the way. */
    static Assembled anthropicClient(List<SseEvent> events) {
        StringBuilder text = new StringBuilder();
        List<ToolCall> tools = new ArrayList<>();
        Map<Integer, String[]> blocks = new LinkedHashMap<>();
        String id = null;
        String model = null;
        String stop = null;
        TokenUsage usage = TokenUsage.NONE;
        boolean started = false;
        boolean ended = false;
        Integer open = null;
        for (SseEvent e : events) {
            assertThat(ended).as("nothing after message_stop").isFalse();
            JsonNode j = JSON.readTree(e.data());
            String type = j.get("type").asString();
            assertThat(e.event()).as("event name = data type").isEqualTo(type);
            switch (type) {
                case "message_start" -> {
                    assertThat(started).isFalse();
                    started = true;
                    id = j.at("/message/id").asString();
                    model = j.at("/message/model").asString();
                    assertThat(j.at("/message/content").isEmpty()).isTrue();
                }
                case "content_block_start" -> {
                    assertThat(started).isTrue();
                    assertThat(open).as("one block at a time").isNull();
                    open = j.get("index").asInt();
                    assertThat(open).as("indexes in order").isEqualTo(blocks.size());
                    JsonNode b = j.get("content_block");
                    blocks.put(open, new String[] {b.get("type").asString(), b.path("id").asString(""), b.path("name").asString(""), ""});
                }
                case "content_block_delta" -> {
                    assertThat(j.get("index").asInt()).isEqualTo(open);
                    String[] b = blocks.get(open);
                    JsonNode d = j.get("delta");
                    if (d.get("type").asString().equals("text_delta")) {
                        assertThat(b[0]).isEqualTo("text");
                        b[3] += d.get("text").asString();
                    } else {
                        assertThat(d.get("type").asString()).isEqualTo("input_json_delta");
                        assertThat(b[0]).isEqualTo("tool_use");
                        b[3] += d.get("partial_json").asString();
                    }
                }
                case "content_block_stop" -> {
                    assertThat(j.get("index").asInt()).isEqualTo(open);
                    open = null;
                }
                case "message_delta" -> {
                    assertThat(open).isNull();
                    stop = j.at("/delta/stop_reason").asString();
                    JsonNode u = j.get("usage");
                    long cacheRead = u.path("cache_read_input_tokens").asLong(0);
                    usage = new TokenUsage(u.path("input_tokens").asLong(0) + cacheRead, u.get("output_tokens").asLong(), cacheRead);
                }
                case "message_stop" -> ended = true;
                case "ping" -> {
                }
                default -> throw new AssertionError("unexpected event " + type);
            }
        }
        for (String[] b : blocks.values()) {
            if (b[0].equals("text")) {
                text.append(b[3]);
            } else {
                tools.add(new ToolCall(b[1], b[2], b[3]));
            }
        }
        return new Assembled(id, model, text.toString(), tools, stop, usage, ended);
    }

    /**
     * Feeds the upstream bytes cut into two chunks at every position (and byte by byte) through a fresh parser and
     * translator, re-encodes the client events to bytes and parses them back; every cut must give the same client
     * events. Returns them, with the translator of the last run.
     */
    static List<SseEvent> throughEverySplit(String upstream, Supplier<StreamTranslator> translators, TokenUsage expectedUsage) {
        byte[] bytes = upstream.getBytes(StandardCharsets.UTF_8);
        List<SseEvent> reference = null;
        List<List<byte[]>> cuts = new ArrayList<>();
        for (int i = 0; i <= bytes.length; i++) {
            cuts.add(List.of(Arrays.copyOfRange(bytes, 0, i), Arrays.copyOfRange(bytes, i, bytes.length)));
        }
        List<byte[]> single = new ArrayList<>();
        for (byte b : bytes) {
            single.add(new byte[] {b});
        }
        cuts.add(single);
        for (List<byte[]> chunks : cuts) {
            SseParser parser = new SseParser();
            StreamTranslator translator = translators.get();
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (byte[] chunk : chunks) {
                for (SseEvent e : parser.feed(chunk)) {
                    translator.translate(e).forEach(out -> wire.writeBytes(out.encode()));
                }
            }
            for (SseEvent e : parser.finish()) {
                translator.translate(e).forEach(out -> wire.writeBytes(out.encode()));
            }
            translator.finish().forEach(out -> wire.writeBytes(out.encode()));
            assertThat(translator.usage()).isEqualTo(expectedUsage);
            assertThat(translator.sawFirstContent()).isTrue();
            SseParser client = new SseParser();
            List<SseEvent> events = new ArrayList<>(client.feed(wire.toByteArray()));
            events.addAll(client.finish());
            if (reference == null) {
                reference = events;
            } else {
                assertThat(normalizeCreated(events)).isEqualTo(normalizeCreated(reference));
            }
        }
        return reference;
    }

    private static List<SseEvent> normalizeCreated(List<SseEvent> events) {
        return events.stream().map(e -> new SseEvent(e.event(), e.data().replaceAll("\"created\":\\d+", "\"created\":0"))).toList();
    }

    // ------------------------------------------------------------------------------------------------- tests

    @Test
    void openAiStreamToAnthropicClient() {
        List<SseEvent> events = throughEverySplit(OPENAI_STREAM,
                () -> StreamTranslator.of(OPENAI_CHAT, ANTHROPIC_MESSAGES, "smart-model", "msg_gw1"), new TokenUsage(42, 17, 8));
        Assembled a = anthropicClient(events);
        assertThat(a).isEqualTo(new Assembled("msg_gw1", "smart-model", "H\u00e9llo \uD83C\uDF0D",
                List.of(new ToolCall("call_1", "get_weather", "{\"city\": \"Paris\"}"), new ToolCall("call_2", "get_time", "{}")),
                "tool_use", new TokenUsage(42, 17, 8), true));
        assertThat(events.getFirst().event()).isEqualTo("message_start");
        assertThat(events.getLast().event()).isEqualTo("message_stop");
    }

    @Test
    void anthropicStreamToOpenAiClient() {
        List<SseEvent> events = throughEverySplit(ANTHROPIC_STREAM,
                () -> StreamTranslator.of(ANTHROPIC_MESSAGES, OPENAI_CHAT, null, null), new TokenUsage(33, 17, 5));
        Assembled o = openAiClient(events);
        assertThat(o).isEqualTo(new Assembled("chatcmpl-01up", "claude-sonnet-4-5", "H\u00e9llo \uD83C\uDF0D",
                List.of(new ToolCall("toolu_01", "get_weather", "{\"city\": \"Paris\"}")),
                "tool_calls", new TokenUsage(33, 17, 5), true));
        JsonNode first = JSON.readTree(events.getFirst().data());
        assertThat(first.at("/choices/0/delta/role").asString()).isEqualTo("assistant");
        assertThat(events.getLast()).isEqualTo(SseEvent.DONE);
    }

    @Test
    void translatedOpenAiStreamWithoutUsageChunk() {
        List<SseEvent> events = throughEverySplit(ANTHROPIC_STREAM,
                () -> StreamTranslator.of(ANTHROPIC_MESSAGES, OPENAI_CHAT, "m", "chatcmpl-x", false), new TokenUsage(33, 17, 5));
        assertThat(events).noneMatch(e -> e.data().contains("\"usage\""));
        assertThat(openAiClient(events).usage()).isEqualTo(TokenUsage.NONE);
        assertThat(openAiClient(events).text()).isEqualTo("H\u00e9llo \uD83C\uDF0D");
    }

    @Test
    void roundTripThroughBothTranslators() {
        // OpenAI upstream → Anthropic client → (as if it were an upstream) → OpenAI client
        List<SseEvent> anthropic = throughEverySplit(OPENAI_STREAM,
                () -> StreamTranslator.of(OPENAI_CHAT, ANTHROPIC_MESSAGES, null, null), new TokenUsage(42, 17, 8));
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        anthropic.forEach(e -> wire.writeBytes(e.encode()));
        List<SseEvent> openAi = throughEverySplit(wire.toString(StandardCharsets.UTF_8),
                () -> StreamTranslator.of(ANTHROPIC_MESSAGES, OPENAI_CHAT, null, null), new TokenUsage(42, 17, 8));
        Assembled o = openAiClient(openAi);
        assertThat(o.id()).isEqualTo("chatcmpl-up1");
        assertThat(o.model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(o.text()).isEqualTo("H\u00e9llo \uD83C\uDF0D");
        assertThat(o.tools()).containsExactly(new ToolCall("call_1", "get_weather", "{\"city\": \"Paris\"}"),
                new ToolCall("call_2", "get_time", "{}"));
        assertThat(o.stop()).isEqualTo("tool_calls");
        assertThat(o.usage()).isEqualTo(new TokenUsage(42, 17, 8));
    }

    @Test
    void identityPassesEventsThroughAndStillMeters() {
        List<SseEvent> openAi = throughEverySplit(OPENAI_STREAM,
                () -> StreamTranslator.of(OPENAI_CHAT, OPENAI_CHAT, null, null), new TokenUsage(42, 17, 8));
        SseParser p = new SseParser();
        List<SseEvent> upstream = new ArrayList<>(p.feed(OPENAI_STREAM.getBytes(StandardCharsets.UTF_8)));
        assertThat(openAi).isEqualTo(upstream);

        List<SseEvent> anthropic = throughEverySplit(ANTHROPIC_STREAM,
                () -> StreamTranslator.of(ANTHROPIC_MESSAGES, ANTHROPIC_MESSAGES, null, null), new TokenUsage(33, 17, 5));
        SseParser q = new SseParser();
        assertThat(anthropic).isEqualTo(q.feed(ANTHROPIC_STREAM.getBytes(StandardCharsets.UTF_8)));

        List<SseEvent> withoutUsage = throughEverySplit(OPENAI_STREAM,
                () -> StreamTranslator.of(OPENAI_CHAT, OPENAI_CHAT, null, null, false), new TokenUsage(42, 17, 8));
        assertThat(withoutUsage).hasSize(upstream.size() - 1).noneMatch(e -> e.data().contains("prompt_tokens"));
    }

    @Test
    void sawFirstContentOnlyOnceTheModelProducedSomething() {
        StreamTranslator t = StreamTranslator.of(OPENAI_CHAT, ANTHROPIC_MESSAGES, null, null);
        List<SseEvent> head = new SseParser().feed(OPENAI_STREAM.getBytes(StandardCharsets.UTF_8));
        t.translate(head.get(0)); // role chunk, empty content
        assertThat(t.sawFirstContent()).isFalse();
        t.translate(head.get(1));
        assertThat(t.sawFirstContent()).isTrue();

        StreamTranslator a = StreamTranslator.of(ANTHROPIC_MESSAGES, ANTHROPIC_MESSAGES, null, null);
        List<SseEvent> events = new SseParser().feed(ANTHROPIC_STREAM.getBytes(StandardCharsets.UTF_8));
        a.translate(events.get(0));
        assertThat(a.sawFirstContent()).isFalse();
        assertThat(a.usage()).isEqualTo(new TokenUsage(33, 1, 5));
        a.translate(events.get(1));
        assertThat(a.sawFirstContent()).isTrue();
    }

    @Test
    void cutOffStreamsAreClosedCleanlyByFinish() {
        // the upstream stops after two text chunks (limits cut-off, connection lost): finish() closes the client stream
        String head = OPENAI_STREAM.substring(0, OPENAI_STREAM.indexOf("lo \uD83C\uDF0D"));
        head = head.substring(0, head.lastIndexOf("data:"));
        StreamTranslator t = StreamTranslator.of(OPENAI_CHAT, ANTHROPIC_MESSAGES, "m", "msg_1");
        List<SseEvent> out = new ArrayList<>();
        new SseParser().feed(head.getBytes(StandardCharsets.UTF_8)).forEach(e -> out.addAll(t.translate(e)));
        out.addAll(t.finish());
        assertThat(t.finish()).isEmpty();
        Assembled a = anthropicClient(out);
        assertThat(a.text()).isEqualTo("H\u00e9l");
        assertThat(a.stop()).isEqualTo("end_turn");
        assertThat(a.ended()).isTrue();

        StreamTranslator o = StreamTranslator.of(ANTHROPIC_MESSAGES, OPENAI_CHAT, "m", "chatcmpl-1");
        List<SseEvent> out2 = new ArrayList<>();
        List<SseEvent> upstream = new SseParser().feed(ANTHROPIC_STREAM.getBytes(StandardCharsets.UTF_8));
        upstream.subList(0, 4).forEach(e -> out2.addAll(o.translate(e)));
        out2.addAll(o.finish());
        Assembled c = openAiClient(out2);
        assertThat(c.text()).isEqualTo("H\u00e9l");
        assertThat(c.stop()).isEqualTo("stop");
        assertThat(c.usage()).isEqualTo(new TokenUsage(33, 1, 5));
        assertThat(c.ended()).isTrue();
        // events after the end are ignored
        assertThat(o.translate(upstream.get(4))).isEmpty();
    }

    @Test
    void emptyUpstreamStreamStillGivesAWellFormedAnswer() {
        StreamTranslator t = StreamTranslator.of(OPENAI_CHAT, ANTHROPIC_MESSAGES, "m", null);
        Assembled a = anthropicClient(t.translate(SseEvent.DONE));
        assertThat(a.id()).startsWith("msg_");
        assertThat(a.ended()).isTrue();
        assertThat(a.text()).isEmpty();
        StreamTranslator o = StreamTranslator.of(ANTHROPIC_MESSAGES, OPENAI_CHAT, "m", null);
        Assembled c = openAiClient(o.finish());
        assertThat(c.id()).startsWith("chatcmpl-");
        assertThat(c.stop()).isEqualTo("stop");
        assertThat(c.ended()).isTrue();
    }

    @Test
    void upstreamErrorsBecomeClientErrors() {
        StreamTranslator t = StreamTranslator.of(ANTHROPIC_MESSAGES, OPENAI_CHAT, "m", "chatcmpl-1");
        List<SseEvent> out = t.translate(new SseEvent("error",
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        assertThat(out).hasSize(1);
        assertThat(JSON.readTree(out.getFirst().data())).isEqualTo(JSON.readTree(
                "{\"error\":{\"message\":\"Overloaded\",\"type\":\"overloaded_error\",\"code\":null,\"param\":null}}"));
        assertThat(t.finished()).isTrue();
        assertThat(t.finish()).isEmpty();

        StreamTranslator a = StreamTranslator.of(OPENAI_CHAT, ANTHROPIC_MESSAGES, "m", "msg_1");
        List<SseEvent> out2 = a.translate(SseEvent.data("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));
        assertThat(out2).hasSize(1);
        assertThat(out2.getFirst().event()).isEqualTo("error");
        assertThat(JSON.readTree(out2.getFirst().data())).isEqualTo(JSON.readTree(
                "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"boom\"}}"));
        assertThat(a.translate(SseEvent.DONE)).isEmpty();
    }

    @Test
    void openAiToolCallsWithoutIndexOrInOneChunk() {
        // some OpenAI-compatible servers send each call whole, in one chunk, sometimes without an index
        StreamTranslator t = StreamTranslator.of(OPENAI_CHAT, ANTHROPIC_MESSAGES, "m", "msg_1");
        List<SseEvent> out = new ArrayList<>();
        out.addAll(t.translate(SseEvent.data("{\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":["
                + "{\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\":1}\"}},"
                + "{\"id\":\"b\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}]}")));
        out.addAll(t.translate(SseEvent.DONE));
        Assembled a = anthropicClient(out);
        assertThat(a.tools()).containsExactly(new ToolCall("a", "f", "{\"x\":1}"), new ToolCall("b", "g", "{}"));
        assertThat(a.stop()).isEqualTo("tool_use");
        assertThat(a.usage()).isEqualTo(TokenUsage.NONE);
    }
}
