package io.gatewaystack.proxy.llm;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A native Responses stream relayed as it is: events pass unchanged; the usage is read from the final
 * {@code response.completed} / {@code response.incomplete} / {@code response.failed} event, and the first
 * {@code *.delta} event marks the time to first token. Only those few events are parsed.
 */
public final class ResponsesPassThrough implements StreamConverter {

    private final ResponsesTranslation translation = new ResponsesTranslation();
    private TokenUsage usage = TokenUsage.NONE;
    private boolean sawFirstContent;

    @Override
    public List<SseEvent> translate(SseEvent event) {
        String type = event.event();
        if (type == null) { // unnamed events: the type is only in the data
            JsonNode json = Json.parse(event.data());
            type = json == null ? "" : Json.str(json, "type");
            type = type == null ? "" : type;
        }
        if (!sawFirstContent && type.endsWith(".delta")) {
            sawFirstContent = true;
        }
        if (type.equals("response.completed") || type.equals("response.incomplete") || type.equals("response.failed")) {
            JsonNode json = Json.parse(event.data());
            if (json != null) {
                TokenUsage reported = translation.usage(json.get("response"));
                if (reported.reported()) {
                    usage = reported;
                }
            }
        }
        return List.of(event);
    }

    @Override
    public List<SseEvent> finish() {
        return List.of();
    }

    @Override
    public TokenUsage usage() {
        return usage;
    }

    @Override
    public boolean sawFirstContent() {
        return sawFirstContent;
    }
}
