package io.gatewaystack.mcp.federation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the {@code data} of each event of a {@code text/event-stream} body (WHATWG SSE: lines, blank line ends an event). */
final class ServerSentEvents {

    private ServerSentEvents() {
    }

    static List<String> data(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        List<String> events = new ArrayList<>();
        StringBuilder data = null;
        int start = 0;
        int n = text.length();
        while (start <= n) {
            int end = start;
            while (end < n && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            String line = text.substring(start, end);
            if (line.isEmpty()) {
                if (data != null) {
                    events.add(data.toString());
                    data = null;
                }
            } else if (line.startsWith("data")) {
                String value = line.length() > 4 && line.charAt(4) == ':' ? line.substring(5)
                        : line.length() == 4 ? "" : null;
                if (value != null) {
                    if (value.startsWith(" ")) {
                        value = value.substring(1);
                    }
                    data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                }
            }
            if (end >= n) {
                break;
            }
            start = end + (text.charAt(end) == '\r' && end + 1 < n && text.charAt(end + 1) == '\n' ? 2 : 1);
        }
        if (data != null) {
            events.add(data.toString()); // a stream cut after its last data line still counts
        }
        return events;
    }
}
