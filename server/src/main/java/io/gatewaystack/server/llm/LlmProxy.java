package io.gatewaystack.server.llm;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.RoutingDecision;
import io.gatewaystack.core.Usage;
import io.gatewaystack.policy.PolicyAttributes;
import io.gatewaystack.proxy.llm.ApiFormat;
import io.gatewaystack.proxy.llm.SseEvent;
import io.gatewaystack.proxy.llm.SseParser;
import io.gatewaystack.proxy.llm.StreamTranslator;
import io.gatewaystack.proxy.llm.TokenUsage;
import io.gatewaystack.proxy.llm.Translation;
import io.gatewaystack.server.http.ErrorResponder;
import io.gatewaystack.server.http.JsonBodies;
import io.gatewaystack.server.http.RestoringText;
import io.gatewaystack.server.http.Terminal;
import io.gatewaystack.server.http.UpstreamFailures;
import io.gatewaystack.transform.TransformLayer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/messages}: sends the (already identified, transformed,
 * policy-checked and limited) request to a model provider and relays the answer in the client's own API format.
 *
 * <ul>
 *   <li><b>Routing.</b> The body's model names a {@link LlmSettings.ModelRoute}; its targets are tried in order.
 *       Targets are skipped when their circuit breaker is open, when the policy rerouted to another provider, or
 *       when the content carries a sensitive label and the provider's data policy does not allow it.</li>
 *   <li><b>Translation.</b> A client speaking OpenAI can reach an Anthropic model and the other way round
 *       ({@link Translation}, {@link StreamTranslator}). The provider's {@code user} field (OpenAI) or
 *       {@code metadata.user_id} (Anthropic) carries the verified user.</li>
 *   <li><b>Failover.</b> Connect failures, timeouts, 429 and 5xx move to the next target, only before anything was
 *       sent to the client.</li>
 *   <li><b>Streaming.</b> Server-sent events are parsed and relayed as they arrive, never buffered whole; usage is
 *       taken from the stream ({@code stream_options.include_usage} is added for OpenAI-format providers) and the
 *       time to first token is recorded.</li>
 * </ul>
 */
public final class LlmProxy implements Terminal {

    public static final String TTFT_ATTRIBUTE = "llm.ttft_ms";

    /** What the route asks a model for. Embeddings exist only in the OpenAI API: no translation, no streaming. */
    public enum Operation { CHAT, EMBEDDINGS }

    private final Operation operation;
    private final ApiFormat clientFormat;
    private final LlmSettings settings;
    private final Upstreams upstreams;
    private final TargetHealth health;
    private final ErrorResponder errors;
    private final Vertx vertx;
    private final Translation translation = new Translation();

    public LlmProxy(ApiFormat clientFormat, LlmSettings settings, Upstreams upstreams, TargetHealth health,
                    ErrorResponder errors, Vertx vertx) {
        this(Operation.CHAT, clientFormat, settings, upstreams, health, errors, vertx);
    }

    public LlmProxy(Operation operation, ApiFormat clientFormat, LlmSettings settings, Upstreams upstreams,
                    TargetHealth health, ErrorResponder errors, Vertx vertx) {
        this.operation = operation;
        this.clientFormat = clientFormat;
        this.settings = settings;
        this.upstreams = upstreams;
        this.health = health;
        this.errors = errors;
        this.vertx = vertx;
    }

    @Override
    public void handle(HttpServerRequest request, RequestContext ctx) {
        ObjectNode body = (ObjectNode) ctx.body().json();
        String model = body.path("model").asString("");
        LlmSettings.ModelRoute route = settings.models().get(model);
        if (route == null) {
            errors.send(request, ctx, GatewayError.of(ErrorCode.NOT_FOUND, "The model '" + model + "' does not exist here."));
            return;
        }
        if (operation == Operation.EMBEDDINGS && route.targets().stream()
                .map(t -> settings.providers().get(t.provider()))
                .allMatch(p -> p == null || p.kind().speaksAnthropic())) {
            errors.send(request, ctx, GatewayError.of(ErrorCode.INVALID_REQUEST, "The model '" + model + "' does not offer embeddings."));
            return;
        }
        List<LlmSettings.Target> candidates = eligibleTargets(route, ctx);
        if (candidates.isEmpty()) {
            errors.send(request, ctx, new GatewayError(ErrorCode.POLICY_DENIED,
                    "No provider of this model may receive this request's content.", null,
                    java.util.Map.of("rule", "sensitive_content_routing", "reasons",
                            List.of("content labelled " + settings.sensitiveLabels() + " may only go to zero-retention or internal providers"),
                            "decision_id", ctx.requestId())));
            return;
        }
        attempt(request, ctx, body, candidates, 0, null);
    }

    private List<LlmSettings.Target> eligibleTargets(LlmSettings.ModelRoute route, RequestContext ctx) {
        boolean sensitive = ctx.contentFindings() != null
                && ctx.contentFindings().labels().stream().anyMatch(settings.sensitiveLabels()::contains);
        Object reroute = ctx.attributes().get(PolicyAttributes.REROUTE_PROVIDER);
        List<LlmSettings.Target> out = new ArrayList<>();
        for (LlmSettings.Target t : route.targets()) {
            LlmSettings.Provider p = settings.providers().get(t.provider());
            if (p == null || operation == Operation.EMBEDDINGS && p.kind().speaksAnthropic()) {
                continue; // Anthropic has no embeddings API
            }
            if (reroute instanceof String provider && !provider.equals(p.name())) {
                continue;
            }
            if (sensitive && !p.mayReceiveSensitiveContent()) {
                continue;
            }
            out.add(t);
        }
        return out.size() > settings.maxAttempts() ? out.subList(0, settings.maxAttempts()) : out;
    }

    private void attempt(HttpServerRequest request, RequestContext ctx, ObjectNode clientBody,
                         List<LlmSettings.Target> targets, int index, GatewayError lastError) {
        if (request.response().closed()) {
            return;
        }
        if (index >= targets.size()) {
            errors.send(request, ctx, lastError != null ? lastError
                    : GatewayError.of(ErrorCode.UPSTREAM_ERROR, "No provider of this model is available right now."));
            return;
        }
        LlmSettings.Target target = targets.get(index);
        if (!health.tryAcquire(target)) {
            attempt(request, ctx, clientBody, targets, index + 1,
                    GatewayError.of(ErrorCode.UPSTREAM_ERROR, "Every provider of this model is failing; try again shortly."));
            return;
        }
        LlmSettings.Provider provider = settings.providers().get(target.provider());
        ApiFormat providerFormat = provider.kind().speaksAnthropic() ? ApiFormat.ANTHROPIC_MESSAGES : ApiFormat.OPENAI_CHAT;
        boolean stream = operation == Operation.CHAT && clientBody.path("stream").asBoolean(false);
        ObjectNode upstreamBody = upstreamBody(clientBody, providerFormat, target, ctx, stream);
        long start = System.nanoTime();
        Runnable next = () -> vertx.setTimer(Math.max(1, settings.backoff().toMillis()), t ->
                attempt(request, ctx, clientBody, targets, index + 1, null));

        upstreams.request(provider, providerFormat, operation, stream, ctx).onComplete(prepared -> {
            if (prepared.failed()) {
                health.failed(target, start, prepared.cause());
                failedBeforeAnswer(request, ctx, clientBody, targets, index, prepared.cause());
                return;
            }
            RequestOptions options = prepared.result();
            upstreams.client().request(options)
                    .compose(req -> req.send(Buffer.buffer(JsonBodies.MAPPER.writeValueAsBytes(upstreamBody))))
                    .onComplete(answered -> {
                        if (answered.failed()) {
                            health.failed(target, start, answered.cause());
                            failedBeforeAnswer(request, ctx, clientBody, targets, index, answered.cause());
                            return;
                        }
                        HttpClientResponse response = answered.result();
                        int status = response.statusCode();
                        if (status == 429 || status >= 500) {
                            health.failed(target, start, new IllegalStateException("status " + status));
                            response.body(); // drain
                            if (index + 1 < targets.size()) {
                                next.run();
                            } else {
                                errors.send(request, ctx, status == 429
                                        ? new GatewayError(ErrorCode.RATE_LIMITED, "The model provider is rate limiting; try again shortly.",
                                                null, java.util.Map.of("retry_after", retryAfter(response)))
                                        : GatewayError.of(ErrorCode.UPSTREAM_ERROR, "The model provider failed (HTTP " + status + ")."));
                            }
                            return;
                        }
                        health.succeeded(target, start);
                        ctx.routingDecision(new RoutingDecision(provider.name(), target.model(),
                                clientBody.path("model").asString().equals(target.model()) ? null : clientBody.path("model").asString()));
                        if (status >= 400) {
                            relayProviderError(request, ctx, response, providerFormat);
                        } else if (stream && isEventStream(response)) {
                            relayStream(request, ctx, response, providerFormat, target, start);
                        } else {
                            relayWhole(request, ctx, response, providerFormat, target);
                        }
                    });
        });
    }

    private void failedBeforeAnswer(HttpServerRequest request, RequestContext ctx, ObjectNode clientBody,
                                    List<LlmSettings.Target> targets, int index, Throwable cause) {
        GatewayError error = UpstreamFailures.causedByTimeout(cause)
                ? GatewayError.of(ErrorCode.UPSTREAM_TIMEOUT, "The model provider did not answer in time.")
                : cause instanceof Upstreams.Blocked blocked
                ? GatewayError.of(ErrorCode.UPSTREAM_ERROR, "The provider's address is not allowed: " + blocked.getMessage())
                : GatewayError.of(ErrorCode.UPSTREAM_ERROR, "The model provider could not be reached.");
        vertx.setTimer(Math.max(1, settings.backoff().toMillis()), t ->
                attempt(request, ctx, clientBody, targets, index + 1, error));
    }

    private ObjectNode upstreamBody(ObjectNode clientBody, ApiFormat providerFormat, LlmSettings.Target target,
                                    RequestContext ctx, boolean stream) {
        ObjectNode body = operation == Operation.EMBEDDINGS ? clientBody.deepCopy()
                : translation.request(clientBody, clientFormat, providerFormat);
        body.put("model", target.model());
        String user = ctx.identity().subject();
        if (providerFormat == ApiFormat.OPENAI_CHAT) {
            body.put("user", user); // the provider's own audit trail names the verified user
            if (stream && operation == Operation.CHAT) {
                ObjectNode options = body.has("stream_options") && body.get("stream_options").isObject()
                        ? (ObjectNode) body.get("stream_options") : body.putObject("stream_options");
                options.put("include_usage", true);
            }
        } else {
            ObjectNode metadata = body.has("metadata") && body.get("metadata").isObject()
                    ? (ObjectNode) body.get("metadata") : body.putObject("metadata");
            metadata.put("user_id", user);
        }
        return body;
    }

    /** A non-streamed answer: read (bounded), translate, account, restore pseudonyms, send. */
    private void relayWhole(HttpServerRequest request, RequestContext ctx, HttpClientResponse response,
                            ApiFormat providerFormat, LlmSettings.Target target) {
        response.body().onComplete(read -> {
            if (read.failed() || read.result().length() > settings.maxResponseBytes()) {
                errors.send(request, ctx, GatewayError.of(ErrorCode.UPSTREAM_ERROR, "The model provider's answer could not be read."));
                return;
            }
            JsonNode parsed = JsonBodies.parseOrNull(read.result());
            if (!(parsed instanceof ObjectNode answer)) {
                errors.send(request, ctx, GatewayError.of(ErrorCode.UPSTREAM_ERROR, "The model provider's answer was not JSON."));
                return;
            }
            TokenUsage usage = translation.usage(answer, providerFormat);
            ctx.usage(new Usage(usage.inputTokens(), usage.outputTokens(), 0));
            ObjectNode out = operation == Operation.EMBEDDINGS ? answer.put("model", ctx.body().json().path("model").asString())
                    : translation.response(answer, providerFormat, clientFormat, ctx.body().json().path("model").asString());
            Buffer bytes = Buffer.buffer(JsonBodies.MAPPER.writeValueAsBytes(out));
            RestoringText restoring = restorer(ctx);
            if (restoring != null) {
                Buffer restored = restoring.push(bytes);
                bytes = restored.appendBuffer(restoring.finish());
            }
            request.response().putHeader("Content-Type", "application/json").end(bytes);
        });
    }

    /** A streamed answer: parse events as they come, translate, restore pseudonyms, write; usage at the end. */
    private void relayStream(HttpServerRequest request, RequestContext ctx, HttpClientResponse upstream,
                             ApiFormat providerFormat, LlmSettings.Target target, long start) {
        HttpServerResponse response = request.response();
        response.setStatusCode(200)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .setChunked(true);
        SseParser parser = new SseParser();
        StreamTranslator translator = StreamTranslator.of(providerFormat, clientFormat,
                ctx.body().json().path("model").asString(), ctx.requestId());
        RestoringText restoring = restorer(ctx);
        boolean[] firstToken = {false};
        upstream.handler(chunk -> {
            if (response.closed() || response.ended()) {
                upstream.handler(null);
                upstream.request().reset();
                return;
            }
            Buffer out = Buffer.buffer();
            for (SseEvent event : parser.feed(chunk.getBytes())) {
                for (SseEvent translated : translator.translate(event)) {
                    out.appendBytes(translated.encode());
                }
            }
            if (!firstToken[0] && translator.sawFirstContent()) {
                firstToken[0] = true;
                ctx.attributes().put(TTFT_ATTRIBUTE, (System.nanoTime() - ctx.startNanos()) / 1_000_000.0);
            }
            if (restoring != null) {
                out = restoring.push(out);
            }
            if (out.length() > 0) {
                response.write(out);
                if (response.writeQueueFull()) {
                    upstream.pause();
                    response.drainHandler(v -> upstream.resume());
                }
            }
        });
        upstream.exceptionHandler(e -> {
            if (!response.ended() && !response.closed()) {
                response.reset(); // a cut stream must not look complete
            }
        });
        upstream.endHandler(v -> {
            if (response.ended() || response.closed()) {
                return;
            }
            Buffer out = Buffer.buffer();
            for (SseEvent event : parser.finish()) {
                for (SseEvent translated : translator.translate(event)) {
                    out.appendBytes(translated.encode());
                }
            }
            for (SseEvent tail : translator.finish()) {
                out.appendBytes(tail.encode());
            }
            if (restoring != null) {
                out = restoring.push(out).appendBuffer(restoring.finish());
            }
            TokenUsage usage = translator.usage();
            ctx.usage(new Usage(usage.inputTokens(), usage.outputTokens(), 0));
            response.end(out);
        });
    }

    /** A provider's 4xx (other than 429): its status, with its message, in the client's error shape. */
    private void relayProviderError(HttpServerRequest request, RequestContext ctx, HttpClientResponse response,
                                    ApiFormat providerFormat) {
        response.body().onComplete(read -> {
            String message = "The model provider rejected the request.";
            if (read.succeeded()) {
                JsonNode parsed = JsonBodies.parseOrNull(read.result());
                String detail = parsed == null ? null : parsed.path("error").path("message").asString(null);
                if (detail != null && !detail.isBlank()) {
                    message = "The model provider rejected the request: " + detail;
                }
            }
            ctx.failure(GatewayError.of(ErrorCode.INVALID_REQUEST, message));
            ObjectNode body = translation.error(response.statusCode(), "upstream_rejected", message, clientFormat);
            request.response().setStatusCode(response.statusCode()).putHeader("Content-Type", "application/json")
                    .end(Buffer.buffer(JsonBodies.MAPPER.writeValueAsBytes(body)));
        });
    }

    private static RestoringText restorer(RequestContext ctx) {
        return TransformLayer.pseudonyms(ctx).map(p -> new RestoringText(p.jsonRestorer())).orElse(null);
    }

    private static boolean isEventStream(HttpClientResponse response) {
        String type = response.getHeader("Content-Type");
        return type != null && type.toLowerCase(Locale.ROOT).contains("text/event-stream");
    }

    private static long retryAfter(HttpClientResponse response) {
        try {
            return Math.max(1, Long.parseLong(response.getHeader("Retry-After").trim()));
        } catch (RuntimeException e) {
            return 1;
        }
    }
}
