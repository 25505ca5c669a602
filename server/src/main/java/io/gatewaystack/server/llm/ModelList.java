package io.gatewaystack.server.llm;

import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.server.http.JsonBodies;
import io.gatewaystack.server.http.Terminal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/models}: the models this user may use, in OpenAI's list format. With a policy configured, each
 * model is decided for this user as a request for that model would be (without content), and only allowed or
 * modified ones are listed.
 */
public final class ModelList implements Terminal {

    private final LlmSettings settings;
    private final Layer policy;

    /** @param policy the policy layer, or null when none is configured (then every model is listed) */
    public ModelList(LlmSettings settings, Layer policy) {
        this.settings = settings;
        this.policy = policy;
    }

    @Override
    public void handle(io.vertx.core.http.HttpServerRequest request, RequestContext ctx) {
        List<Map<String, Object>> data = new ArrayList<>();
        for (LlmSettings.ModelRoute route : settings.models().values()) {
            if (policy != null && !allowed(ctx, route)) {
                continue;
            }
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("id", route.name());
            model.put("object", "model");
            model.put("created", 0);
            model.put("owned_by", route.targets().get(0).provider());
            data.add(model);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("object", "list");
        body.put("data", data);
        request.response().putHeader("Content-Type", "application/json").end(JsonBodies.encode(body));
    }

    private boolean allowed(RequestContext ctx, LlmSettings.ModelRoute route) {
        RequestContext probe = RequestContext.builder().requestId(ctx.requestId()).method("POST")
                .path(ctx.path()).routeName("llm.chat").headers(ctx.headers()).build();
        probe.identity(ctx.identity());
        probe.resource(new ResourceRequest(ResourceRequest.Kind.MODEL, route.name()));
        probe.attributes().put(ModelResource.PROVIDER_ATTRIBUTE, route.targets().get(0).provider());
        return policy.onRequest(probe).isProceed();
    }
}
