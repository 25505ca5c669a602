package io.gatewaystack.proxy.llm;

import java.nio.charset.StandardCharsets;

/**
 * One server-sent event as dispatched by {@link SseParser}: the {@code event:} name (null for the default
 * "message" type, which is what OpenAI streams use) and the {@code data:} lines joined with {@code \n}.
 * {@code id:} and {@code retry:} fields are not kept (neither provider relies on them).
 */
public record SseEvent(String event, String data) {

    /** The OpenAI end-of-stream sentinel, {@code data: [DONE]}. */
    public static final SseEvent DONE = new SseEvent(null, "[DONE]");

    public SseEvent {
        if (data == null) {
            throw new IllegalArgumentException("an SSE event needs data");
        }
        if (event != null && (event.indexOf('\n') >= 0 || event.indexOf('\r') >= 0)) {
            throw new IllegalArgumentException("an SSE event name cannot contain a line break");
        }
    }

    /** An unnamed event (OpenAI style). */
    public static SseEvent data(String data) {
        return new SseEvent(null, data);
    }

    /** True for the OpenAI {@code [DONE]} sentinel. */
    public boolean isDone() {
        return "[DONE]".equals(data.strip());
    }

    /**
     * The event on the wire: {@code event: <name>\n} when named, one {@code data: <line>\n} per line of data
     * (CR, LF and CRLF in the data all become separate data lines, which a parser joins back with LF), then the
     * blank line that dispatches it. UTF-8.
     */
    public byte[] encode() {
        StringBuilder out = new StringBuilder(data.length() + 32);
        if (event != null) {
            out.append("event: ").append(event).append('\n');
        }
        int start = 0;
        int n = data.length();
        for (int i = 0; i < n; i++) {
            char c = data.charAt(i);
            if (c == '\n' || c == '\r') {
                out.append("data: ").append(data, start, i).append('\n');
                if (c == '\r' && i + 1 < n && data.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        out.append("data: ").append(data, start, n).append('\n');
        out.append('\n');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
