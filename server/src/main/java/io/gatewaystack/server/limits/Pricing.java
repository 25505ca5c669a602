package io.gatewaystack.server.limits;

import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.core.RoutingDecision;
import io.gatewaystack.core.Usage;
import io.gatewaystack.core.Verdict;
import io.gatewaystack.limits.budget.Price;
import io.gatewaystack.limits.budget.PriceTable;

import java.util.Map;
import java.util.Objects;

/**
 * Puts a price on what a request consumed, so that budgets settle and the audit trail reports money, not only
 * tokens.
 *
 * <p>It acts only in the completion phase and sits last in the governed chains, so it completes <em>first</em>:
 * before the limits layer settles budgets and before the audit layer writes the event. A model call is priced from
 * the provider's reported tokens at the price of the target that answered ({@code provider/model} in the table
 * first, then the model name); a tool call with a configured price costs that price once it got an answer.
 */
public final class Pricing implements Layer {

    private final PriceTable prices;
    private final Map<String, Long> toolPrices;

    /**
     * @param prices     model prices
     * @param toolPrices tool name → price per call in micro-units (tools not listed are free)
     */
    public Pricing(PriceTable prices, Map<String, Long> toolPrices) {
        this.prices = Objects.requireNonNull(prices, "prices");
        this.toolPrices = Map.copyOf(toolPrices);
    }

    @Override
    public String name() {
        return "pricing";
    }

    @Override
    public Verdict onRequest(RequestContext context) {
        return Verdict.proceed();
    }

    @Override
    public void onComplete(RequestContext context) {
        Usage usage = context.usage();
        RoutingDecision routing = context.routingDecision();
        if (usage != null && usage.costMicros() == 0 && routing != null && routing.target() != null) {
            Price price = priceOf(routing.provider(), routing.target());
            if (price != null) {
                context.usage(usage.withCost(price.costMicros(usage.inputTokens(), usage.cachedInputTokens(),
                        usage.outputTokens())));
            }
            return;
        }
        Long toolPrice = toolPriceOf(context.resource());
        if (usage == null && toolPrice != null && answered(context)) {
            context.usage(new Usage(0, 0, toolPrice));
        }
    }

    /** The price of a model at a provider: {@code provider/model} first, then the model name, then the default. */
    public Price priceOf(String provider, String model) {
        if (provider != null) {
            Price specific = prices.prices().get((provider + "/" + model).toLowerCase(java.util.Locale.ROOT));
            if (specific != null) {
                return specific;
            }
        }
        return prices.priceOf(model);
    }

    /** The configured price of a tool call, or null when the resource is not a priced tool. */
    public Long toolPriceOf(ResourceRequest resource) {
        if (resource == null || resource.kind() != ResourceRequest.Kind.TOOL || resource.name() == null) {
            return null;
        }
        return toolPrices.get(resource.name());
    }

    private static boolean answered(RequestContext context) {
        int status = context.responseStatus();
        return context.rejection() == null && context.failure() == null && status >= 200 && status < 400;
    }
}
