package io.gatewaystack.policy;

import io.gatewaystack.core.ContentFindings;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.RequestBody;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Builds the policy facts of a request from what earlier layers wrote into its context. */
final class ContextFacts {

    private ContextFacts() {}

    static PolicyInput of(RequestContext ctx, Clock clock) {
        return builder(ctx, clock).build();
    }

    /** The facts of a request, still open to change (a tool list varies only the tool). */
    static PolicyInput.Builder builder(RequestContext ctx, Clock clock) {
        PolicyInput.Builder b = PolicyInput.builder().method(ctx.method()).route(ctx.routeName()).time(clock.instant());
        Identity id = ctx.identity();
        if (id != null) {
            b.subject(id.subject()).issuer(id.issuer()).org(id.orgId()).tenant(id.tenantId()).plan(id.plan())
                    .roles(id.roles()).scopes(id.scopes()).claimsOf(id);
        }
        ResourceRequest resource = ctx.resource();
        if (resource != null && resource.name() != null) {
            switch (resource.kind()) {
                case MODEL -> b.model(resource.name());
                case TOOL -> b.tool(resource.name());
                case ROUTE -> b.route(resource.name());
            }
        }
        if (ctx.attributes().get(PolicyAttributes.PROVIDER) instanceof String provider) {
            b.provider(provider);
        }
        ContentFindings findings = ctx.contentFindings();
        if (findings != null) {
            Map<String, Integer> pii = new HashMap<>();
            for (String type : findings.piiTypes()) {
                pii.merge(type, 1, Integer::sum);
            }
            b.labels(findings.labelsAndFlags()).pii(pii).riskScore(findings.riskScore());
        }
        RequestBody body = ctx.body();
        JsonNode json = body == null ? null : body.json();
        if (json != null && json.isObject()) {
            JsonNode model = json.get("model");
            if (model != null && model.isString() && (resource == null || resource.kind() != ResourceRequest.Kind.MODEL)) {
                b.model(model.stringValue());
            }
            JsonNode max = json.has("max_tokens") ? json.get("max_tokens")
                    : json.has("max_completion_tokens") ? json.get("max_completion_tokens") : json.get("max_output_tokens");
            if (max != null && max.isIntegralNumber() && max.canConvertToInt()) {
                b.maxTokens(max.asInt());
            }
            JsonNode stream = json.get("stream");
            if (stream != null && stream.isBoolean()) {
                b.stream(stream.booleanValue());
            }
        }
        return b;
    }
}
