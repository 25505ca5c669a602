package io.gatewaystack.server.limits;

import io.gatewaystack.core.RequestBody;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.limits.budget.Amounts;
import io.gatewaystack.limits.budget.Price;
import io.gatewaystack.limits.budget.TokenCounter;
import io.gatewaystack.limits.budget.UsageEstimator;
import io.gatewaystack.server.llm.LlmSettings;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Objects;

/**
 * The budget pre-flight's worst case for the gateway's routes.
 *
 * <ul>
 *   <li><b>Model calls</b> (LLM routes): prompt tokens counted with the target model's tokenizer; output tokens from
 *       {@code max_tokens} / {@code max_completion_tokens} / {@code max_output_tokens}, else the configured default;
 *       embeddings have no output. Over the model's failover targets, the largest token count and the dearest price
 *       (the call may end up on any of them). A model the price table does not know costs the default price.</li>
 *   <li><b>Tool calls</b> with a configured price: that price.</li>
 *   <li>Everything else is not metered.</li>
 * </ul>
 */
public final class GatewayUsageEstimator implements UsageEstimator {

    /** Where the LLM APIs put a call's output maximum: chat (both spellings) and the Responses API. */
    public static final List<String> OUTPUT_MAXIMUM_FIELDS =
            List.of("max_tokens", "max_completion_tokens", "max_output_tokens");

    private final LlmSettings llm;
    private final Pricing pricing;
    private final TokenCounter tokens;
    private final long defaultMaxOutputTokens;
    private final Price fallbackPrice;

    /**
     * @param defaultMaxOutputTokens the output worst case of a call that sets no maximum
     * @param fallbackPrice          the price of a model the table does not know
     */
    public GatewayUsageEstimator(LlmSettings llm, Pricing pricing, TokenCounter tokens, long defaultMaxOutputTokens,
                                 Price fallbackPrice) {
        this.llm = Objects.requireNonNull(llm, "llm");
        this.pricing = Objects.requireNonNull(pricing, "pricing");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.defaultMaxOutputTokens = defaultMaxOutputTokens;
        this.fallbackPrice = Objects.requireNonNull(fallbackPrice, "fallbackPrice");
    }

    @Override
    public Amounts worstCase(RequestContext context) {
        ResourceRequest resource = context.resource();
        if (resource == null) {
            return null;
        }
        if (resource.kind() == ResourceRequest.Kind.TOOL) {
            Long price = pricing.toolPriceOf(resource);
            return price == null ? null : new Amounts(0, 0, price);
        }
        if (resource.kind() != ResourceRequest.Kind.MODEL) {
            return null;
        }
        RequestBody body = context.body();
        JsonNode json = body == null ? null : body.json();
        if (json == null || !json.isObject()) {
            return null;
        }
        String requested = json.path("model").asString(resource.name());
        LlmSettings.ModelRoute route = llm.models().get(requested);
        List<LlmSettings.Target> targets = route == null ? List.of(new LlmSettings.Target(null, requested))
                : route.targets();
        boolean embeddings = context.routeName() != null && context.routeName().endsWith("embeddings");
        long clientMaximum = clientMaximum(json);
        long output = embeddings ? 0 : clientMaximum > 0 ? clientMaximum : defaultMaxOutputTokens;
        TokenCounter.Prompt prompt = tokens.prompt(json); // each encoding runs once, however many targets
        long input = 0;
        long cost = 0;
        for (LlmSettings.Target target : targets) {
            long in = prompt.tokensFor(target.model());
            Price price = pricing.priceOf(target.provider(), target.model());
            if (price == null) {
                price = fallbackPrice;
            }
            input = Math.max(input, in);
            cost = Math.max(cost, price.costMicros(in, 0, output));
        }
        return new Amounts(input, output, cost);
    }

    /** The output maximum the client set ({@link #OUTPUT_MAXIMUM_FIELDS}, the first positive one), or 0 for none. */
    public static long clientMaximum(JsonNode body) {
        for (String field : OUTPUT_MAXIMUM_FIELDS) {
            JsonNode value = body.get(field);
            if (value != null && value.canConvertToLong() && value.asLong() > 0) {
                return value.asLong();
            }
        }
        return 0;
    }
}
