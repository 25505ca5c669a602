package io.gatewaystack.identity;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class VerifiedTokenCacheTest {

    private final VerifiedTokenCache cache = new VerifiedTokenCache(10, Duration.ofMinutes(5), Clock.systemUTC());

    /** The buffer-reusing hash is the SHA-256 of the token's UTF-8 bytes, ASCII or not, short or long. */
    @Test
    void theHashOfARangeIsTheSha256OfItsUtf8Bytes() throws Exception {
        String[] tokens = {"a", "eyJ.abc.def", "tëst-ünïcode", "x".repeat(16 * 1024), "y".repeat(16 * 1024 + 1), "\u2603"};
        for (String token : tokens) {
            VerifiedTokenCache.TokenHash expected = reference(token);
            assertThat(cache.hash(token)).isEqualTo(expected);
            String header = "Bearer " + token + "  ";
            assertThat(cache.hash(header, 7, 7 + token.length())).isEqualTo(expected);
        }
        // The per-thread buffer is reused: a shorter token after a longer one hashes only its own bytes.
        cache.hash("z".repeat(500));
        assertThat(cache.hash("ab")).isEqualTo(reference("ab"));
        assertThat(cache.hash("ab")).isNotEqualTo(cache.hash("abc"));
    }

    private static VerifiedTokenCache.TokenHash reference(String token) throws Exception {
        ByteBuffer sum = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        return new VerifiedTokenCache.TokenHash(sum.getLong(), sum.getLong(), sum.getLong(), sum.getLong());
    }
}
