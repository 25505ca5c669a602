package io.gatewaystack.limits.budget;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenCountCacheTest {

    private static final String LONG = "Summarise the quarterly report for the finance team. ".repeat(5);

    private final AtomicInteger counted = new AtomicInteger();
    private final ToLongFunction<String> counter = text -> {
        counted.incrementAndGet();
        return text.length() / 4;
    };

    @Test
    void aRepeatedLongTextIsCountedOnce() {
        TokenCountCache cache = new TokenCountCache(100);
        assertThat(cache.count(LONG, 0, counter)).isEqualTo(LONG.length() / 4);
        assertThat(cache.count(new String(LONG.toCharArray()), 0, counter)).isEqualTo(LONG.length() / 4);
        assertThat(counted).hasValue(1);
    }

    @Test
    void shortTextsAndOtherEncodingsAreCountedApart() {
        TokenCountCache cache = new TokenCountCache(100);
        String small = "hi there";
        cache.count(small, 0, counter);
        cache.count(small, 0, counter);
        assertThat(counted).as("short texts skip the cache").hasValue(2);
        cache.count(LONG, 0, counter);
        cache.count(LONG, 1, counter);
        assertThat(counted).as("one count per encoding").hasValue(4);
        cache.count(LONG + ".", 0, counter);
        assertThat(counted).as("a different text is a different key").hasValue(5);
    }

    @Test
    void holdsAtMostItsCapacityAndKeepsWhatIsStillUsed() {
        TokenCountCache cache = new TokenCountCache(10);
        for (int i = 0; i < 1_000; i++) {
            cache.count(LONG + i, 0, counter);
            cache.count(LONG, 0, counter); // the system prompt of every call
            assertThat(cache.size()).isLessThanOrEqualTo(10);
        }
        assertThat(counted).as("1,000 new texts, the shared one counted once").hasValue(1_001);
    }

    @Test
    void zeroCapacityCountsEveryTime() {
        TokenCountCache cache = new TokenCountCache(0);
        cache.count(LONG, 0, counter);
        cache.count(LONG, 0, counter);
        assertThat(counted).hasValue(2);
        assertThat(cache.size()).isZero();
        assertThatThrownBy(() -> new TokenCountCache(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCounterAnswersTheSameWithAndWithoutTheCache() {
        JsonNode body = JsonMapper.builder().build().readTree("{\"model\":\"gpt-4o\",\"messages\":["
                + "{\"role\":\"system\",\"content\":\"" + LONG + "\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + LONG + " Now the risks.\"}]}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"search\",\"description\":\"" + LONG
                + "\",\"parameters\":{\"type\":\"object\"}}}]}");
        TokenCounter cached = new TokenCounter();
        TokenCounter uncached = new TokenCounter(0);
        for (String model : new String[] {"gpt-4o", "gpt-4", "claude-sonnet-4"}) {
            long expected = uncached.promptTokens(body, model);
            assertThat(expected).isGreaterThan(100);
            assertThat(cached.promptTokens(body, model)).isEqualTo(expected);
            assertThat(cached.promptTokens(body, model)).as("from the cache").isEqualTo(expected);
            assertThat(cached.textTokens(LONG, model)).isEqualTo(uncached.textTokens(LONG, model));
        }
    }
}
