package io.gatewaystack.policy;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.PolicyDecision.Effect;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy layer: decides each request against the live {@link PolicySet} (deny by default), enforces the
 * decision, and evaluates the shadow candidate beside it when one is set.
 *
 * <ul>
 *   <li>deny → 403 {@code policy_denied} with {@code rule}, {@code reasons}, {@code decision_id};</li>
 *   <li>modify → the model and {@code max_tokens} are changed in the JSON body; header additions, forced
 *       redactions and a provider reroute are left in {@link PolicyAttributes} for the layers that do them;</li>
 *   <li>no policy loaded (when required) or a rule that cannot be evaluated → 503 {@code unavailable} and an
 *       error log line: never an allow.</li>
 * </ul>
 * Pure computation on the calling thread: it never blocks.
 */
public final class PolicyLayer implements Layer {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyLayer.class);

    private final PolicyStore store;
    private final PolicyLayerConfig config;

    public PolicyLayer(PolicyStore store, PolicyLayerConfig config) {
        this.store = Objects.requireNonNull(store, "store");
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public String name() {
        return "policy";
    }

    @Override
    public Verdict onRequest(RequestContext ctx) {
        PolicySet live = store.live();
        if (live == null) {
            if (!config.required()) {
                return Verdict.proceed();
            }
            LOG.error("policy.unavailable request_id={} reason=no policy loaded", ctx.requestId());
            return unavailable();
        }
        PolicyInput input = ContextFacts.of(ctx, config.clock());
        Decision decision;
        try {
            decision = live.decide(input);
        } catch (RuntimeException e) {
            LOG.error("policy.unavailable request_id={} reason=evaluation failed", ctx.requestId(), e);
            return unavailable();
        }
        shadow(ctx, input, decision);
        ctx.policyDecision(decision.toPolicyDecision());
        ctx.attributes().put(PolicyAttributes.DECISION, decision);
        if (decision.effect() == Effect.DENY) {
            return Verdict.reject(denied(decision.ruleOrDefault(), decision.reasons(), decision.decisionId()));
        }
        if (decision.effect() == Effect.MODIFY) {
            return modify(ctx, decision);
        }
        return Verdict.proceed();
    }

    /**
     * Whether a call to each tool would pass this layer, decided as {@link #onRequest} decides the call {@code probe}
     * describes (its identity and route; no arguments): for filtering a tool list. The probe's facts are gathered
     * once and each tool only adds its name, so a list of hundreds of tools costs one rule evaluation per tool.
     * Records nothing in the probe. A failing evaluation hides the tool (fail closed). Use the answer on one thread.
     */
    public Predicate<String> toolAllowance(RequestContext probe) {
        PolicySet live = store.live();
        if (live == null) {
            boolean open = !config.required();
            return tool -> open;
        }
        PolicyInput.Builder facts = ContextFacts.builder(probe, config.clock());
        return tool -> {
            try {
                Decision decision = live.decide(facts.tool(tool).build());
                return switch (decision.effect()) {
                    case ALLOW -> true;
                    case DENY -> false;
                    // as onRequest: a change to a body the call does not have is a refusal
                    case MODIFY -> !decision.modifications().needsBody();
                };
            } catch (RuntimeException e) {
                LOG.error("policy.unavailable request_id={} reason=evaluation failed for tool {}", probe.requestId(), tool, e);
                return false;
            }
        };
    }

    private Verdict modify(RequestContext ctx, Decision decision) {
        Modifications m = decision.modifications();
        if (!BodyModifier.apply(ctx.body(), m)) {
            // The policy requires a change this route cannot make (it does not read a JSON body): refuse, not ignore.
            return Verdict.reject(denied(decision.ruleOrDefault(),
                    List.of("the policy requires changing the request body (model or max_tokens), "
                            + "and this request has no JSON body the gateway can change"),
                    decision.decisionId()));
        }
        Map<String, Object> attributes = ctx.attributes();
        attributes.put(PolicyAttributes.MODIFICATIONS, m);
        if (!m.headers().isEmpty()) {
            attributes.put(PolicyAttributes.ADD_HEADERS, m.headers());
            m.headers().forEach(ctx::addUpstreamHeader); // the route adds them upstream (never over identity headers)
        }
        if (!m.redactPii().isEmpty()) {
            attributes.put(PolicyAttributes.REDACT_PII, m.redactPii());
        }
        if (m.provider() != null) {
            attributes.put(PolicyAttributes.REROUTE_PROVIDER, m.provider());
        }
        return Verdict.proceed();
    }

    /** Evaluates the candidate set; its answer never changes the response, whatever happens. */
    private void shadow(RequestContext ctx, PolicyInput input, Decision live) {
        PolicySet candidate = store.candidate();
        if (candidate == null) {
            return;
        }
        try {
            Decision shadow = candidate.decide(input);
            boolean differs = shadow.effect() != live.effect()
                    || !shadow.modifications().equals(live.modifications());
            if (differs) {
                ShadowDisagreement d = new ShadowDisagreement(ctx.requestId(),
                        ctx.identity() == null ? null : ctx.identity().subject(), live, shadow);
                ctx.attributes().put(PolicyAttributes.SHADOW_DISAGREEMENT, d);
                ctx.attributes().put(io.gatewaystack.core.PolicyDecision.SHADOW_ATTRIBUTE, shadow.toPolicyDecision());
                config.shadowListener().onDisagreement(d);
            }
        } catch (RuntimeException e) {
            LOG.warn("policy.shadow_failed request_id={} error={}", ctx.requestId(), e.toString());
        }
    }

    private static GatewayError denied(String rule, List<String> reasons, String decisionId) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("rule", rule);
        details.put("reasons", reasons);
        details.put("decision_id", decisionId);
        return new GatewayError(ErrorCode.POLICY_DENIED, "Denied by policy: " + reasons.get(0), null, details);
    }

    private static Verdict unavailable() {
        return Verdict.reject(ErrorCode.UNAVAILABLE, "The policy engine is unavailable; the request was not allowed.");
    }
}
