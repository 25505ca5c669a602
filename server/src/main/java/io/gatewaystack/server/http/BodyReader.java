package io.gatewaystack.server.http;

import io.gatewaystack.core.BodySource;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a whole request body into memory, refusing more than {@code maxBytes} as it arrives (failing with
 * {@link BodySource.TooLarge}) (a body without a
 * {@code Content-Length} cannot be checked in advance). Used by routes that need the JSON body; the reverse
 * proxy streams instead.
 */
public final class BodyReader {

    private BodyReader() {
    }

    /** The {@link BodySource} of a request, for the {@code ReadBody} layer. */
    public static BodySource sourceOf(HttpServerRequest request) {
        return maxBytes -> read(request, maxBytes).map(Buffer::getBytes).toCompletionStage();
    }

    public static Future<Buffer> read(HttpServerRequest request, long maxBytes) {
        Promise<Buffer> promise = Promise.promise();
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > maxBytes) {
                request.handler(null);
                request.endHandler(null);
                promise.tryFail(new BodySource.TooLarge());
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
