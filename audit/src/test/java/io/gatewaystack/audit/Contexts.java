package io.gatewaystack.audit;

import io.gatewaystack.core.ContentFindings;
import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.LimitsDecision;
import io.gatewaystack.core.PolicyDecision;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.core.RoutingDecision;
import io.gatewaystack.core.Usage;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Request contexts as the server leaves them at completion. */
final class Contexts {
    private Contexts() {
    }

    static Identity identity(String sub, String org, String tenant) {
        return new Identity(sub, "https://issuer.example", org, tenant, List.of("admin", "dev"), List.of("tool:write"),
                "a@example.com", "Alice", "pro", "client-1", Instant.parse("2030-01-01T00:00:00Z"), Map.of("secret_claim", "x"));
    }

    /** An allowed model call with usage and PII findings. */
    static RequestContext allowed(String sub, String org, String model, long in, long out, long costMicros, List<String> pii) {
        RequestContext ctx = RequestContext.builder().requestId("req-" + sub + "-" + System.nanoTime()).method("POST")
                .path("/proxy/v1/chat/completions").query("api_key=SECRET").routeName("proxy")
                .startEpochMillis(1_780_000_000_000L).build();
        ctx.traceId("trace-1");
        ctx.identity(identity(sub, org, "t-" + org));
        ctx.resource(new ResourceRequest(ResourceRequest.Kind.MODEL, model));
        ctx.contentFindings(new ContentFindings(List.of("pii"), pii, 40));
        ctx.policyDecision(new PolicyDecision(PolicyDecision.Effect.ALLOW, "pd-1", "allow-models", List.of("model allowed")));
        ctx.limitsDecision(new LimitsDecision(true, List.of("10 left"), 0));
        ctx.routingDecision(new RoutingDecision("openai", model, "fast"));
        ctx.usage(new Usage(in, out, costMicros));
        ctx.complete(200, null);
        return ctx;
    }

    /** Denied by a policy rule. */
    static RequestContext denied(String sub, String org, String rule) {
        RequestContext ctx = RequestContext.builder().requestId("req-d-" + System.nanoTime()).method("POST")
                .path("/proxy/tools/call").routeName("proxy").startEpochMillis(1_780_000_100_000L).build();
        ctx.identity(identity(sub, org, null));
        ctx.resource(new ResourceRequest(ResourceRequest.Kind.TOOL, "delete_repo"));
        ctx.policyDecision(new PolicyDecision(PolicyDecision.Effect.DENY, "pd-2", rule, List.of("tool not allowed for role")));
        ctx.rejection(GatewayError.of(ErrorCode.POLICY_DENIED, "denied"));
        ctx.complete(403, "policy_denied");
        return ctx;
    }

    /** Limited: rate limit hit. */
    static RequestContext limited(String sub, String org) {
        RequestContext ctx = RequestContext.builder().requestId("req-l-" + System.nanoTime()).method("GET")
                .path("/protected/ping").routeName("protected.ping").startEpochMillis(1_780_000_200_000L).build();
        ctx.identity(identity(sub, org, null));
        ctx.limitsDecision(new LimitsDecision(false, List.of("rate 10/min exceeded"), 7));
        ctx.rejection(GatewayError.of(ErrorCode.RATE_LIMITED, "slow down"));
        ctx.complete(429, "rate_limited");
        return ctx;
    }

    /** Allowed but the upstream failed; no identity verified is not the case here: failure after allow. */
    static RequestContext failed(String sub, String org) {
        RequestContext ctx = RequestContext.builder().requestId("req-f-" + System.nanoTime()).method("GET")
                .path("/proxy/x").routeName("proxy").startEpochMillis(1_780_000_300_000L).build();
        ctx.identity(identity(sub, org, null));
        ctx.routingDecision(new RoutingDecision("proxy", "http://127.0.0.1:9", null));
        ctx.failure(GatewayError.of(ErrorCode.UPSTREAM_ERROR, "refused"));
        ctx.complete(502, "upstream_error");
        return ctx;
    }

    /** No token at all. */
    static RequestContext anonymous() {
        RequestContext ctx = RequestContext.builder().requestId("req-a-" + System.nanoTime()).method("GET")
                .path("/protected/ping").routeName("protected.ping").startEpochMillis(1_780_000_400_000L).build();
        ctx.rejection(GatewayError.of(ErrorCode.MISSING_TOKEN, "no token"));
        ctx.complete(401, "missing_token");
        return ctx;
    }
}
