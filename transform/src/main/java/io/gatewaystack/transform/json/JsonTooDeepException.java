package io.gatewaystack.transform.json;

/** A body nested deeper than the walker's limit; the layer treats it as an internal error (fail-open or closed). */
public final class JsonTooDeepException extends RuntimeException {
    public JsonTooDeepException(int limit) {
        super("JSON body nested deeper than " + limit + " levels");
    }
}
