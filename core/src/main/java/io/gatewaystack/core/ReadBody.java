package io.gatewaystack.core;

import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the request body into the context ({@link RequestContext#body()}) so later layers (transform, policy)
 * can see and change it. Put it after identity: nobody gets to make the gateway buffer a body before proving who
 * they are.
 *
 * <p>A JSON body (by Content-Type, or any body when {@code requireJson}) is parsed; one that does not parse is
 * 400 {@code invalid_request} when JSON is required, else kept as raw bytes. Over the limit: 413.
 */
public final class ReadBody implements Layer {

    private static final JsonMapper JSON = JsonMappers.forRequestPath();

    private final long maxBytes;
    private final boolean requireJson;
    private final Verdict tooLarge;

    public ReadBody(long maxBytes, boolean requireJson) {
        this.maxBytes = maxBytes;
        this.requireJson = requireJson;
        this.tooLarge = Verdict.reject(new GatewayError(ErrorCode.PAYLOAD_TOO_LARGE,
                "The request body is larger than the limit of " + maxBytes + " bytes.", null, Map.of("max_bytes", maxBytes)));
    }

    @Override
    public String name() {
        return "read-body";
    }

    @Override
    public Verdict onRequest(RequestContext context) {
        BodySource source = context.bodySource();
        if (source == null) {
            return Verdict.reject(ErrorCode.INTERNAL_ERROR, "The gateway could not read the request body.");
        }
        return Verdict.await(source.read(maxBytes).handle((bytes, failure) -> {
            if (failure != null) {
                Throwable cause = Failures.unwrap(failure);
                return cause instanceof BodySource.TooLarge ? tooLarge
                        : Verdict.reject(ErrorCode.INVALID_REQUEST, "The request body could not be read.");
            }
            return accept(context, bytes);
        }));
    }

    private Verdict accept(RequestContext context, byte[] bytes) {
        String contentType = context.headers().get("Content-Type");
        boolean looksJson = contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json");
        JsonNode json = null;
        if ((looksJson || requireJson) && bytes.length > 0) {
            try {
                json = JSON.readTree(bytes);
            } catch (JacksonException e) {
                if (requireJson || looksJson) {
                    return Verdict.reject(ErrorCode.INVALID_REQUEST, "The request body must be valid JSON.");
                }
            }
        }
        if (requireJson && json == null) {
            return Verdict.reject(ErrorCode.INVALID_REQUEST, "The request body must be valid JSON.");
        }
        context.body(new RequestBody(bytes, contentType, json));
        return Verdict.proceed();
    }
}
