package io.gatewaystack.server.http;

import io.gatewaystack.core.BodySource;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Passes a request body through while counting it; past {@code maxBytes} it stops the stream with
 * {@link BodySource.TooLarge}. Lets the proxy stream bodies of unknown length without accepting unbounded ones.
 */
public final class BoundedReadStream implements ReadStream<Buffer> {

    private final ReadStream<Buffer> source;
    private final long maxBytes;
    private long seen;
    private boolean failed;
    private Handler<Throwable> exceptionHandler;

    public BoundedReadStream(ReadStream<Buffer> source, long maxBytes) {
        this.source = source;
        this.maxBytes = maxBytes;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        source.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        if (handler == null) {
            source.handler(null);
            return this;
        }
        source.handler(chunk -> {
            if (failed) {
                return;
            }
            seen += chunk.length();
            if (seen > maxBytes) {
                failed = true;
                source.pause();
                if (exceptionHandler != null) {
                    exceptionHandler.handle(new BodySource.TooLarge());
                }
                return;
            }
            handler.handle(chunk);
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        source.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        if (!failed) {
            source.resume();
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        if (!failed) {
            source.fetch(amount);
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        source.endHandler(endHandler == null ? null : v -> {
            if (!failed) {
                endHandler.handle(v);
            }
        });
        return this;
    }
}
