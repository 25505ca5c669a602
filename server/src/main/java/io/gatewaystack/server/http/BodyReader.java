package io.gatewaystack.server.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a whole request body into memory, refusing more than {@code maxBytes} as it arrives (a body without a
 * {@code Content-Length} cannot be checked in advance). Used by routes that need the JSON body; the reverse
 * proxy streams instead.
 */
public final class BodyReader {

    /** The failure of a body over the limit. */
    public static final class TooLarge extends RuntimeException {
        public TooLarge() {
            super("request body too large", null, false, false);
        }
    }

    private BodyReader() {
    }

    public static Future<Buffer> read(HttpServerRequest request, long maxBytes) {
        Promise<Buffer> promise = Promise.promise();
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > maxBytes) {
                request.handler(null);
                request.endHandler(null);
                promise.tryFail(new TooLarge());
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(promise::tryFail);
        request.endHandler(v -> promise.tryComplete(body));
        request.resume();
        return promise.future();
    }
}
