package io.gatewaystack.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.transform.redact.Pseudonyms;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RestoringTextTest {

    @Test
    void restoresAcrossEverySplitOfPlaceholdersAndMultiByteCharacters() {
        Pseudonyms pseudonyms = new Pseudonyms();
        String placeholder = pseudonyms.placeholderFor("email", "jörg@example.com");
        byte[] body = ("{\"text\":\"Grüße an " + placeholder + " 🎉\"}").getBytes(StandardCharsets.UTF_8);
        String expected = "{\"text\":\"Grüße an jörg@example.com 🎉\"}";
        for (int split = 0; split <= body.length; split++) {
            for (int split2 = split; split2 <= body.length; split2 += 3) {
                RestoringText r = new RestoringText(pseudonyms.jsonRestorer());
                Buffer out = Buffer.buffer();
                out.appendBuffer(r.push(Buffer.buffer(java.util.Arrays.copyOfRange(body, 0, split))));
                out.appendBuffer(r.push(Buffer.buffer(java.util.Arrays.copyOfRange(body, split, split2))));
                out.appendBuffer(r.push(Buffer.buffer(java.util.Arrays.copyOfRange(body, split2, body.length))));
                out.appendBuffer(r.finish());
                assertThat(out.toString(StandardCharsets.UTF_8)).as("split at %d/%d", split, split2).isEqualTo(expected);
            }
        }
    }
}
