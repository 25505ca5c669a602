package io.gatewaystack.policy;

import java.util.HashMap;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Where each node of a parsed document starts (JSON pointer → 1-based line). Jackson trees carry no locations,
 * so the loader reads the text a second time as a token stream to name lines in its errors.
 */
final class LineIndex {

    private final Map<String, Integer> lines;

    private LineIndex(Map<String, Integer> lines) {
        this.lines = lines;
    }

    static LineIndex of(JsonParser parser) {
        Map<String, Integer> lines = new HashMap<>();
        try (parser) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                int line = parser.currentTokenLocation().getLineNr();
                var ctx = parser.streamReadContext();
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    ctx = ctx.getParent();
                }
                if (ctx != null) {
                    lines.putIfAbsent(ctx.pathAsPointer().toString(), line);
                }
            }
        } catch (RuntimeException e) {
            // The tree parse reports syntax errors; a partial index is fine.
        }
        return new LineIndex(lines);
    }

    /** The line of the node at the pointer, or of its nearest ancestor that has one; 0 when unknown. */
    int lineOf(String pointer) {
        String p = pointer;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            if (p.isEmpty()) {
                return 0;
            }
            int slash = p.lastIndexOf('/');
            p = slash <= 0 ? "" : p.substring(0, slash);
        }
    }
}
