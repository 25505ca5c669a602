package io.gatewaystack.transform;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestBody;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;
import io.gatewaystack.transform.redact.Action;
import io.gatewaystack.transform.redact.ActionPolicy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The policy's "force redaction" effect: runs after the policy layer and replaces the PII types the decision
 * named (context attribute {@link #ATTRIBUTE}, a list of type names) with placeholders in the body, whatever the
 * route's own transform actions were. Engines are compiled once per distinct set of types.
 *
 * <p>Fails closed: content that a policy required to be redacted never leaves unredacted (503 when the redaction
 * itself fails).
 */
public final class ForcedRedaction implements Layer {

    /** The attribute the policy layer writes (the same name as its {@code policy.redact_pii}). */
    public static final String ATTRIBUTE = "policy.redact_pii";

    private final TransformConfig base;
    private final Map<Set<String>, TransformEngine> engines = new ConcurrentHashMap<>();

    public ForcedRedaction(TransformConfig base) {
        this.base = base;
    }

    @Override
    public String name() {
        return "forced-redaction";
    }

    @Override
    public Verdict onRequest(RequestContext ctx) {
        if (!(ctx.attributes().get(ATTRIBUTE) instanceof List<?> types) || types.isEmpty()) {
            return Verdict.proceed();
        }
        RequestBody body = ctx.body();
        if (body == null || body.json() == null) {
            return Verdict.proceed(); // nothing readable leaves through this route's body
        }
        Set<String> wanted = new TreeSet<>();
        types.forEach(t -> wanted.add(String.valueOf(t)));
        try {
            TransformEngine engine = engines.computeIfAbsent(wanted, this::engineFor);
            TransformReport report = engine.transformJson(body.json());
            if (report.modified()) {
                body.replace(body.json());
                ctx.addResponseHeader(TransformLayer.REDACTED_HEADER, report.redactedHeaderValue());
            }
            return Verdict.proceed();
        } catch (RuntimeException e) {
            return Verdict.reject(ErrorCode.UNAVAILABLE, "The content could not be redacted as the policy requires.");
        }
    }

    private TransformEngine engineFor(Set<String> types) {
        Map<String, Action> actions = new HashMap<>();
        types.forEach(t -> actions.put(t, Action.PLACEHOLDER));
        return new TransformEngine(base.withActions(new ActionPolicy(actions, Action.ANNOTATE, base.actions().maskKeep()))
                .withBlockThreshold(TransformConfig.NEVER_BLOCK));
    }
}
