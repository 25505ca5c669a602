package io.gatewaystack.server.llm;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.core.Verdict;
import tools.jackson.databind.JsonNode;

/**
 * On LLM routes, names the resource from the body's {@code model} before transform, policy and limits run, so they
 * can decide per model (and per provider: the first target's provider is recorded for policies on providers).
 */
public final class ModelResource implements Layer {

    /** The attribute the policy layer reads for the {@code provider} fact. */
    public static final String PROVIDER_ATTRIBUTE = "gatewaystack.provider";

    private final LlmSettings settings;

    public ModelResource(LlmSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "model";
    }

    @Override
    public Verdict onRequest(RequestContext context) {
        JsonNode json = context.body() == null ? null : context.body().json();
        JsonNode model = json == null || !json.isObject() ? null : json.get("model");
        if (model == null || !model.isString() || model.asString().isBlank()) {
            return Verdict.reject(ErrorCode.INVALID_REQUEST, "The request must name a model.");
        }
        String name = model.asString();
        context.resource(new ResourceRequest(ResourceRequest.Kind.MODEL, name));
        LlmSettings.ModelRoute route = settings.models().get(name);
        if (route != null && !route.targets().isEmpty()) {
            context.attributes().put(PROVIDER_ATTRIBUTE, route.targets().get(0).provider());
        }
        return Verdict.proceed();
    }
}
