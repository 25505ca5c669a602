package io.gatewaystack.proxy.llm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An incremental parser of a {@code text/event-stream} (the WHATWG "server-sent events" rules): feed it the bytes as
 * they arrive, split anywhere — inside a line, inside a CRLF, inside a multi-byte UTF-8 character — and it returns
 * the events each chunk completed.
 * <ul>
 *   <li>Lines end with LF, CRLF or a lone CR; a blank line dispatches the event.</li>
 *   <li>{@code data:} lines accumulate, joined with LF; {@code event:} names the event; lines starting with
 *       {@code :} are comments; {@code id:}, {@code retry:} and unknown fields are ignored; one space after the
 *       colon is dropped; a leading UTF-8 BOM is skipped.</li>
 *   <li>An event with no {@code data:} line is not dispatched (as the standard says).</li>
 *   <li>{@code data: [DONE]} (OpenAI's end marker) is an ordinary event: see {@link SseEvent#isDone()}.</li>
 *   <li>Bounded: a line or event larger than {@code maxEventBytes} fails with {@link IllegalStateException}.</li>
 * </ul>
 * Not thread-safe: one parser per stream, fed from one thread (or an event loop) at a time.
 */
public final class SseParser {

    /** The default bound on one event (its lines and data together): 8 MiB. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

    private final int maxEventBytes;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean afterCr;
    private boolean started;
    private String eventName;
    private StringBuilder data;
    private int eventBytes;

    public SseParser() {
        this(DEFAULT_MAX_EVENT_BYTES);
    }

    public SseParser(int maxEventBytes) {
        if (maxEventBytes < 16) {
            throw new IllegalArgumentException("maxEventBytes too small: " + maxEventBytes);
        }
        this.maxEventBytes = maxEventBytes;
    }

    /** Parses the next chunk of the stream; returns the events it completed (often none, possibly several). */
    public List<SseEvent> feed(byte[] chunk) {
        return feed(chunk, 0, chunk.length);
    }

    public List<SseEvent> feed(byte[] chunk, int offset, int length) {
        List<SseEvent> out = new ArrayList<>(2);
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            byte b = chunk[i];
            if (afterCr) {
                afterCr = false;
                if (b == '\n') {
                    continue; // the LF of a CRLF whose CR ended the line
                }
            }
            if (b == '\n' || b == '\r') {
                afterCr = b == '\r';
                endOfLine(out);
            } else {
                append(b);
            }
        }
        return out;
    }

    /**
     * The end of the stream. Lenient where the standard discards: an unterminated last line is taken as a line and
     * a pending event that has data is dispatched (servers that omit the final blank line exist).
     */
    public List<SseEvent> finish() {
        List<SseEvent> out = new ArrayList<>(1);
        if (lineLength > 0) {
            endOfLine(out);
        }
        dispatch(out);
        afterCr = false;
        return out;
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, line.length * 2);
        }
        line[lineLength++] = b;
        if (++eventBytes > maxEventBytes) {
            throw new IllegalStateException("SSE event larger than " + maxEventBytes + " bytes");
        }
    }

    private void endOfLine(List<SseEvent> out) {
        int start = 0;
        if (!started) {
            started = true;
            if (lineLength >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB && (line[2] & 0xFF) == 0xBF) {
                start = 3;
            }
        }
        int length = lineLength - start;
        lineLength = 0;
        if (length == 0) {
            dispatch(out);
            return;
        }
        if (line[start] == ':') {
            return; // comment
        }
        int colon = -1;
        for (int i = start; i < start + length; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        String field;
        String value;
        if (colon < 0) {
            field = new String(line, start, length, StandardCharsets.UTF_8);
            value = "";
        } else {
            field = new String(line, start, colon - start, StandardCharsets.UTF_8);
            int valueStart = colon + 1;
            if (valueStart < start + length && line[valueStart] == ' ') {
                valueStart++;
            }
            value = new String(line, valueStart, start + length - valueStart, StandardCharsets.UTF_8);
        }
        switch (field) {
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value.length());
                } else {
                    data.append('\n');
                }
                data.append(value);
            }
            case "event" -> eventName = value;
            default -> {
                // id, retry and unknown fields: ignored
            }
        }
    }

    private void dispatch(List<SseEvent> out) {
        if (data != null) {
            out.add(new SseEvent(eventName == null || eventName.isEmpty() ? null : eventName, data.toString()));
        }
        data = null;
        eventName = null;
        eventBytes = 0;
        if (line.length > 64 * 1024) {
            line = new byte[256]; // do not keep a huge buffer for the rest of a long stream
        }
    }
}
