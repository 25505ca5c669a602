package io.gatewaystack.limits.budget;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The price table and the tokenizer the pre-flight estimate rests on. */
class PricingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final TokenCounter tokens = new TokenCounter();

    @Test
    void pricesResolveByExactNameThenLongestPrefixThenDefault() {
        PriceTable table = PriceTable.defaults();
        assertThat(table.priceOf("gpt-4o-mini-2024-07-18")).isEqualTo(new Price(0.15, 0.60, 0.075));
        assertThat(table.priceOf("gpt-4o-2024-08-06")).isEqualTo(new Price(2.50, 10.00, 1.25));
        assertThat(table.priceOf("claude-sonnet-4-5-20250929").output()).isEqualTo(15.00);
        assertThat(table.priceOf("llama3:8b")).isNull();
        PriceTable configured = table.with(Map.of("llama3", Price.FREE), Price.of(10, 30));
        assertThat(configured.priceOf("LLAMA3:8b")).isEqualTo(Price.FREE);
        assertThat(configured.priceOf("mystery")).isEqualTo(Price.of(10, 30));
    }

    @Test
    void costIsPricePerMillionTimesTokensInMicrosRoundedUp() {
        Price gpt4o = new Price(2.50, 10.00, 1.25);
        // 1,000 fresh input at 2.50/M = 2,500 micro-USD; 1,000 cached at 1.25/M = 1,250; 500 output at 10/M = 5,000.
        assertThat(gpt4o.costMicros(2_000, 1_000, 500)).isEqualTo(8_750);
        assertThat(new Price(0.15, 0.6, 0.075).costMicros(1, 0, 0)).isEqualTo(1); // 0.15 micro rounds up
        assertThat(Price.of(1, 2).max(Price.of(3, 1))).isEqualTo(Price.of(3, 2));
    }

    @Test
    void promptTokensComeFromTheRealEncoding() throws Exception {
        JsonNode body = JSON.readTree("""
                {"model":"gpt-4o","max_tokens":10,"messages":[
                  {"role":"system","content":"You are terse."},
                  {"role":"user","content":[{"type":"text","text":"Hello world"}]}]}""");
        // o200k: "You are terse." = 4 tokens, "Hello world" = 2; 4 framing per message; 3 priming.
        assertThat(tokens.textTokens("You are terse.", "gpt-4o")).isEqualTo(4);
        assertThat(tokens.textTokens("Hello world", "gpt-4o")).isEqualTo(2);
        assertThat(tokens.promptTokens(body, "gpt-4o")).isEqualTo(4 + 2 + 2 * 4 + 3);
        // Without a local tokenizer the count is scaled up.
        assertThat(tokens.promptTokens(body, "claude-sonnet-4")).isEqualTo((long) Math.ceil(17 * 1.3));
    }

    @Test
    void imagesAndToolSchemasCountTowardsThePrompt() throws Exception {
        JsonNode body = JSON.readTree("""
                {"model":"gpt-4o","messages":[{"role":"user","content":[
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}],
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}""");
        assertThat(tokens.promptTokens(body, "gpt-4o")).isGreaterThan(TokenCounter.PER_IMAGE + 4 + 3 + 10);
    }
}
