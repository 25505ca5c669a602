package io.gatewaystack.server.http;

import io.gatewaystack.transform.redact.PlaceholderRestorer;
import io.gatewaystack.transform.response.StreamingRedactor;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Puts the original values back into a streamed UTF-8 response body: pseudonym placeholders such as
 * {@code <EMAIL_1>} that the model saw become the user's real data again before the client gets them. Optionally
 * scans the text first ({@link StreamingRedactor}, the route's response actions): scanning before restoring means
 * the user's own values are never redacted on their way back.
 *
 * <p>Chunks may split both a multi-byte character and a placeholder; the decoder carries incomplete bytes and
 * the {@link PlaceholderRestorer} holds back only a possible partial placeholder, so nothing is buffered beyond
 * a few bytes and nothing is corrupted.
 */
public final class RestoringText {

    private final StreamingRedactor redactor;
    private final PlaceholderRestorer restorer;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer carry = ByteBuffer.allocate(0);

    public RestoringText(PlaceholderRestorer restorer) {
        this(null, restorer);
    }

    /** Either stage may be null (not both). */
    public RestoringText(StreamingRedactor redactor, PlaceholderRestorer restorer) {
        this.redactor = redactor;
        this.restorer = restorer;
    }

    /** The response scan found a type the route blocks: nothing more comes out. */
    public boolean blocked() {
        return redactor != null && redactor.blocked();
    }

    /** The restored text of this chunk (possibly empty while a placeholder or character is incomplete). */
    public Buffer push(Buffer chunk) {
        ByteBuffer in = ByteBuffer.allocate(carry.remaining() + chunk.length());
        in.put(carry).put(chunk.getBytes()).flip();
        CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
        decoder.decode(in, out, false);
        carry = in.slice(); // an incomplete character at the end waits for the next chunk
        out.flip();
        return encode(restore(redact(out)));
    }

    /** Whatever was held back, at the end of the body. */
    public Buffer finish() {
        CharBuffer out = CharBuffer.allocate(carry.remaining() + 2);
        decoder.decode(carry, out, true);
        decoder.flush(out);
        out.flip();
        String scanned = redactor == null ? out.toString() : redactor.push(out) + redactor.finish();
        String tail = restorer == null ? scanned : restorer.push(scanned) + restorer.finish();
        return encode(tail);
    }

    private CharSequence redact(CharSequence text) {
        return redactor == null ? text : redactor.push(text);
    }

    private String restore(CharSequence text) {
        return restorer == null ? text.toString() : restorer.push(text);
    }

    private static Buffer encode(String text) {
        return text.isEmpty() ? Buffer.buffer() : Buffer.buffer(text.getBytes(StandardCharsets.UTF_8));
    }
}
