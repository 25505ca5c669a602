package io.gatewaystack.limits.budget;

import io.gatewaystack.core.RequestContext;

/**
 * Knows what a request may cost before it runs and what it did cost after. The limits module cannot know model
 * routing or tool prices; the server supplies an implementation that does (LLM routes: prompt tokens counted with a
 * tokenizer, {@code max_tokens} or the model's default for output, the dearest target's price; tool calls: the tool's
 * configured price).
 */
public interface UsageEstimator {

    /**
     * The worst case of this request, or null when it has nothing to meter (not a model or priced tool call); a
     * request with nothing to meter skips budgets and token limits entirely. A worst case whose
     * {@code costMicros} is unknown is not allowed: return a conservative price instead.
     */
    Amounts worstCase(RequestContext context);

    /**
     * What the completed request really used. The default: the usage the proxy recorded from the provider; without
     * one, the whole worst case for a request that got a successful answer (a stream cut before its usage arrived
     * is charged as if it ran to the end), and nothing for a request that was refused or failed before an answer.
     */
    default Amounts actual(RequestContext context, Amounts worstCase) {
        var usage = context.usage();
        if (usage != null) {
            return new Amounts(usage.inputTokens(), usage.outputTokens(), usage.costMicros());
        }
        int status = context.responseStatus();
        boolean answered = context.rejection() == null && context.failure() == null && status >= 200 && status < 400;
        return answered ? worstCase : Amounts.ZERO;
    }
}
