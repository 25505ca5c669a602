package io.gatewaystack.proxy.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Parses {@code bytes} cut into two chunks at every position, and byte by byte; all must agree. */
    static List<SseEvent> parseEverySplit(byte[] bytes) {
        List<SseEvent> whole = parse(List.of(bytes));
        for (int i = 0; i <= bytes.length; i++) {
            List<SseEvent> split = parse(List.of(Arrays.copyOfRange(bytes, 0, i), Arrays.copyOfRange(bytes, i, bytes.length)));
            assertThat(split).as("split at %d", i).isEqualTo(whole);
        }
        List<byte[]> single = new ArrayList<>();
        for (byte b : bytes) {
            single.add(new byte[] {b});
        }
        assertThat(parse(single)).as("byte by byte").isEqualTo(whole);
        return whole;
    }

    static List<SseEvent> parse(List<byte[]> chunks) {
        SseParser parser = new SseParser();
        List<SseEvent> out = new ArrayList<>();
        for (byte[] chunk : chunks) {
            out.addAll(parser.feed(chunk));
        }
        out.addAll(parser.finish());
        return out;
    }

    @Test
    void lineEndingsCommentsMultiLineDataAndNames() {
        String stream = "\uFEFF: a comment\r\n"
                + "event: message_start\r\ndata: {\"a\":1}\r\n\r\n"
                + "data:no space\n\n"
                + "data: line one\rdata: line two\r\r"
                + "id: 7\nretry: 1000\nunknown: x\ndata\n\n"
                + "event: lonely\n\n"
                + "data:  two spaces\n\n"
                + "event: content_block_delta\ndata: {\"t\":\"h\u00e9llo \uD83C\uDF0D\"}\n\n"
                + "data: [DONE]\n\n";
        List<SseEvent> events = parseEverySplit(utf8(stream));
        assertThat(events).containsExactly(
                new SseEvent("message_start", "{\"a\":1}"),
                SseEvent.data("no space"),
                SseEvent.data("line one\nline two"),
                SseEvent.data(""),
                SseEvent.data(" two spaces"),
                new SseEvent("content_block_delta", "{\"t\":\"h\u00e9llo \uD83C\uDF0D\"}"),
                SseEvent.DONE);
        assertThat(events.getLast().isDone()).isTrue();
        assertThat(events.getFirst().isDone()).isFalse();
    }

    @Test
    void finishIsLenientAboutAMissingFinalBlankLine() {
        SseParser parser = new SseParser();
        assertThat(parser.feed(utf8("data: [DONE]"))).isEmpty();
        assertThat(parser.finish()).containsExactly(SseEvent.DONE);
        SseParser other = new SseParser();
        assertThat(other.feed(utf8("data: x\n"))).isEmpty();
        assertThat(other.finish()).containsExactly(SseEvent.data("x"));
        assertThat(new SseParser().finish()).isEmpty();
    }

    @Test
    void encodeIsWireCorrectAndRoundTrips() {
        assertThat(new String(new SseEvent("ping", "{\"type\": \"ping\"}").encode(), StandardCharsets.UTF_8))
                .isEqualTo("event: ping\ndata: {\"type\": \"ping\"}\n\n");
        assertThat(new String(SseEvent.DONE.encode(), StandardCharsets.UTF_8)).isEqualTo("data: [DONE]\n\n");
        assertThat(new String(SseEvent.data("a\r\nb\nc\rd").encode(), StandardCharsets.UTF_8))
                .isEqualTo("data: a\ndata: b\ndata: c\ndata: d\n\n");
        List<SseEvent> events = List.of(new SseEvent("x", "one\ntwo"), SseEvent.data(""), SseEvent.data(" lead"),
                SseEvent.data("\u00fcnic\u00f6de \uD83D\uDE00"), SseEvent.DONE);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        events.forEach(e -> wire.writeBytes(e.encode()));
        assertThat(parseEverySplit(wire.toByteArray())).isEqualTo(events);
    }

    @Test
    void eventNamesCannotBreakTheFraming() {
        assertThatThrownBy(() -> new SseEvent("a\nb", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SseEvent("a", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void boundedEvents() {
        SseParser parser = new SseParser(64);
        assertThat(parser.feed(utf8("data: " + "x".repeat(40) + "\n\n"))).hasSize(1);
        assertThatThrownBy(() -> parser.feed(utf8("data: " + "x".repeat(40) + "\ndata: " + "y".repeat(40) + "\n\n")))
                .isInstanceOf(IllegalStateException.class);
        SseParser noNewline = new SseParser(64);
        assertThatThrownBy(() -> noNewline.feed(new byte[1000])).isInstanceOf(IllegalStateException.class);
    }
}
