package io.gatewaystack.server.llm;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.RoutingDecision;
import io.gatewaystack.core.Usage;
import io.gatewaystack.limits.LimitsLayer;
import io.gatewaystack.server.limits.GatewayUsageEstimator;
import io.gatewaystack.policy.PolicyAttributes;
import io.gatewaystack.proxy.llm.ApiFormat;
import io.gatewaystack.proxy.llm.ResponsesPassThrough;
import io.gatewaystack.proxy.llm.ResponsesStreamTranslator;
import io.gatewaystack.proxy.llm.ResponsesTranslation;
import io.gatewaystack.proxy.llm.StreamConverter;
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
import io.gatewaystack.transform.ResponseGuard;
import io.gatewaystack.transform.TransformLayer;
import io.gatewaystack.transform.json.BodyShape;
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

    /**
     * What the route asks a model for. Embeddings exist only in the OpenAI API: no translation, no streaming.
     * Responses (OpenAI's Responses API) go natively to providers that speak it, else through Chat Completions
     * ({@link ResponsesTranslation}), and from there to Anthropic if need be.
     */
    public enum Operation { CHAT, EMBEDDINGS, RESPONSES }

    private final Operation operation;
    private final ApiFormat clientFormat;
    private final LlmSettings settings;
    private final Upstreams upstreams;
    private final TargetHealth health;
    private final ErrorResponder errors;
    private final Vertx vertx;
    private final Translation translation = new Translation();
    private final ResponsesTranslation responses = new ResponsesTranslation();

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

    /** How one attempt talks to its provider: the provider's wire format and the path on its base URL. */
    private record Wire(ApiFormat format, String path, boolean nativeResponses) {

        static Wire of(Operation operation, LlmSettings.Provider provider) {
            ApiFormat format = provider.kind().speaksAnthropic() ? ApiFormat.ANTHROPIC_MESSAGES : ApiFormat.OPENAI_CHAT;
            return switch (operation) {
                case EMBEDDINGS -> new Wire(format, "/embeddings", false);
                case RESPONSES -> provider.nativeResponses() && format == ApiFormat.OPENAI_CHAT
                        ? new Wire(format, "/responses", true) : chat(format);
                case CHAT -> chat(format);
            };
        }

        private static Wire chat(ApiFormat format) {
            return new Wire(format, format == ApiFormat.ANTHROPIC_MESSAGES ? "/messages" : "/chat/completions", false);
        }
    }

    private List<LlmSettings.Target> eligibleTargets(LlmSettings.ModelRoute route, RequestContext ctx) {
        boolean sensitive = ctx.contentFindings() != null
                && ctx.contentFindings().labelsAndFlags().stream().anyMatch(settings.sensitiveLabels()::contains);
        Object reroute = ctx.attributes().get(PolicyAttributes.REROUTE_PROVIDER);
        List<LlmSettings.Target> out = new ArrayList<>();
        for (LlmSettings.Target t : route.attemptOrder()) {
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
            for (int i = 0; i <= settings.retries(); i++) {
                out.add(t); // a target's retries follow it: [a, a, b] with one retry
            }
        }
        return out.size() > settings.maxAttempts() ? out.subList(0, settings.maxAttempts()) : out;
    }

    /**
     * The attempt after {@code index}. {@code sameTargetAgain} says whether the failure is worth asking the same
     * target again (a 5xx, a refused or broken connection); after a 429, a timeout or a refused address the
     * target's remaining retries are skipped (asking again at once would not help).
     */
    private static int nextIndex(List<LlmSettings.Target> targets, int index, boolean sameTargetAgain) {
        int next = index + 1;
        if (!sameTargetAgain) {
            while (next < targets.size() && targets.get(next).equals(targets.get(index))) {
                next++;
            }
        }
        return next;
    }

    /** Exponential backoff before a retry of the same target (base, 2×, 4×...); the base before another target. */
    private long backoffBefore(List<LlmSettings.Target> targets, int next) {
        int retry = 0;
        for (int i = next - 1; i >= 0 && next < targets.size() && targets.get(i).equals(targets.get(next)); i--) {
            retry++;
        }
        return Math.max(1, settings.backoff().toMillis() << Math.min(retry, 6));
    }

    private void retryLater(HttpServerRequest request, RequestContext ctx, ObjectNode clientBody,
                            List<LlmSettings.Target> targets, int next, GatewayError error) {
        vertx.setTimer(backoffBefore(targets, next), t -> attempt(request, ctx, clientBody, targets, next, error));
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
            attempt(request, ctx, clientBody, targets, nextIndex(targets, index, false),
                    GatewayError.of(ErrorCode.UPSTREAM_ERROR, "Every provider of this model is failing; try again shortly."));
            return;
        }
        LlmSettings.Provider provider = settings.providers().get(target.provider());
        Wire wire = Wire.of(operation, provider);
        ApiFormat providerFormat = wire.format();
        boolean stream = operation != Operation.EMBEDDINGS && clientBody.path("stream").asBoolean(false);
        ObjectNode upstreamBody;
        try {
            upstreamBody = upstreamBody(clientBody, wire, target, ctx, stream);
        } catch (IllegalArgumentException untranslatable) {
            // this provider cannot take the request as asked (e.g. previous_response_id through translation):
            // another target might; said to the client only if none does
            health.release(target);
            attempt(request, ctx, clientBody, targets, nextIndex(targets, index, false), lastError != null ? lastError
                    : GatewayError.of(ErrorCode.INVALID_REQUEST, untranslatable.getMessage()));
            return;
        }
        long start = System.nanoTime();

        upstreams.request(provider, providerFormat, wire.path(), stream, ctx).onComplete(prepared -> {
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
                            GatewayError error = status == 429
                                    ? new GatewayError(ErrorCode.RATE_LIMITED, "The model provider is rate limiting; try again shortly.",
                                            null, java.util.Map.of("retry_after", retryAfter(response)))
                                    : GatewayError.of(ErrorCode.UPSTREAM_ERROR, "The model provider failed (HTTP " + status + ").");
                            int next = nextIndex(targets, index, status != 429);
                            if (next < targets.size()) {
                                retryLater(request, ctx, clientBody, targets, next, error);
                            } else {
                                errors.send(request, ctx, error);
                            }
                            return;
                        }
                        health.succeeded(target, start);
                        ctx.routingDecision(new RoutingDecision(provider.name(), target.model(),
                                clientBody.path("model").asString().equals(target.model()) ? null : clientBody.path("model").asString()));
                        if (status >= 400) {
                            relayProviderError(request, ctx, response);
                        } else if (stream && isEventStream(response)) {
                            relayStream(request, ctx, response, converter(wire, ctx));
                        } else {
                            relayWhole(request, ctx, response, wire);
                        }
                    });
        });
    }

    private void failedBeforeAnswer(HttpServerRequest request, RequestContext ctx, ObjectNode clientBody,
                                    List<LlmSettings.Target> targets, int index, Throwable cause) {
        boolean timeout = UpstreamFailures.causedByTimeout(cause);
        GatewayError error = timeout
                ? GatewayError.of(ErrorCode.UPSTREAM_TIMEOUT, "The model provider did not answer in time.")
                : cause instanceof Upstreams.Blocked blocked
                ? GatewayError.of(ErrorCode.UPSTREAM_ERROR, "The provider's address is not allowed: " + blocked.getMessage())
                : GatewayError.of(ErrorCode.UPSTREAM_ERROR, "The model provider could not be reached.");
        int next = nextIndex(targets, index, !timeout && !(cause instanceof Upstreams.Blocked)
                && !(cause instanceof io.gatewaystack.proxy.upstream.UpstreamAuthException));
        if (next < targets.size()) {
            retryLater(request, ctx, clientBody, targets, next, error);
        } else {
            attempt(request, ctx, clientBody, targets, next, error); // answers with the error
        }
    }

    /** The body for this provider; IllegalArgumentException when it cannot express the request. */
    private ObjectNode upstreamBody(ObjectNode clientBody, Wire wire, LlmSettings.Target target,
                                    RequestContext ctx, boolean stream) {
        ApiFormat providerFormat = wire.format();
        ObjectNode body;
        if (operation == Operation.EMBEDDINGS || wire.nativeResponses()) {
            body = clientBody.deepCopy();
        } else if (operation == Operation.RESPONSES) {
            body = translation.request(responses.toChat(clientBody), ApiFormat.OPENAI_CHAT, providerFormat);
        } else {
            body = translation.request(clientBody, clientFormat, providerFormat);
        }
        body.put("model", target.model());
        String user = ctx.identity().subject();
        if (providerFormat == ApiFormat.OPENAI_CHAT) {
            body.put("user", user); // the provider's own audit trail names the verified user
            if (stream && !wire.nativeResponses() && operation != Operation.EMBEDDINGS) {
                ObjectNode options = body.has("stream_options") && body.get("stream_options").isObject()
                        ? (ObjectNode) body.get("stream_options") : body.putObject("stream_options");
                options.put("include_usage", true);
            }
        } else {
            ObjectNode metadata = body.has("metadata") && body.get("metadata").isObject()
                    ? (ObjectNode) body.get("metadata") : body.putObject("metadata");
            metadata.put("user_id", user);
        }
        capOutputToTheReservation(clientBody, body, wire, target, ctx);
        return body;
    }

    /**
     * A call under a budget reserved its worst case: the client's own output maximum, or the configured default when
     * it set none. In the second case the provider is given that default as the maximum, so the answer (streamed or
     * not) ends cleanly where the reservation ends, with the provider's own "length" stop reason, instead of running
     * past it.
     */
    private void capOutputToTheReservation(ObjectNode clientBody, ObjectNode body, Wire wire, LlmSettings.Target target,
                                           RequestContext ctx) {
        if (operation == Operation.EMBEDDINGS
                || !(ctx.attributes().get(LimitsLayer.OUTPUT_ALLOWANCE_ATTRIBUTE) instanceof Long allowance)
                || allowance <= 0) {
            return;
        }
        if (GatewayUsageEstimator.clientMaximum(clientBody) > 0) {
            return; // the client's maximum is what was reserved, and it goes to the provider as it is
        }
        LlmSettings.Provider provider = settings.providers().get(target.provider());
        String field = wire.nativeResponses() ? "max_output_tokens"
                : wire.format() == ApiFormat.OPENAI_CHAT && provider != null
                && (provider.kind() == LlmSettings.Kind.OPENAI || provider.kind() == LlmSettings.Kind.AZURE_OPENAI)
                ? "max_completion_tokens" : "max_tokens";
        body.put(field, allowance);
    }

    /** A non-streamed answer: read (bounded), translate, account, restore pseudonyms, send. */
    private void relayWhole(HttpServerRequest request, RequestContext ctx, HttpClientResponse response, Wire wire) {
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
            TokenUsage usage = wire.nativeResponses() ? responses.usage(answer) : translation.usage(answer, wire.format());
            ctx.usage(new Usage(usage.inputTokens(), usage.outputTokens(), 0, usage.cachedInputTokens()));
            ObjectNode out = clientAnswer(answer, wire, ctx);
            // the answer is scanned as the model wrote it (with the request's placeholders), then restored
            ResponseGuard guard = TransformLayer.responseGuard(ctx).orElse(null);
            if (guard != null) {
                guard.inspectJson(out, BodyShape.ANSWER);
                if (guard.blocked()) {
                    ctx.rejection(guard.blockedError());
                    errors.send(request, ctx, guard.blockedError());
                    return;
                }
                String redacted = guard.redactedHeader();
                if (redacted != null) request.response().headers().set(TransformLayer.REDACTED_HEADER, redacted);
            }
            Buffer bytes = Buffer.buffer(JsonBodies.MAPPER.writeValueAsBytes(out));
            RestoringText restoring = restorer(ctx);
            if (restoring != null) {
                Buffer restored = restoring.push(bytes);
                bytes = restored.appendBuffer(restoring.finish());
            }
            request.response().putHeader("Content-Type", "application/json").end(bytes);
        });
    }

    /** The provider's (non-streamed) answer in the client's API. */
    private ObjectNode clientAnswer(ObjectNode answer, Wire wire, RequestContext ctx) {
        ObjectNode clientBody = (ObjectNode) ctx.body().json();
        String model = clientBody.path("model").asString();
        return switch (operation) {
            case EMBEDDINGS -> answer.put("model", model);
            case RESPONSES -> wire.nativeResponses() ? answer
                    : responses.fromChat(translation.response(answer, wire.format(), ApiFormat.OPENAI_CHAT, model), clientBody, model);
            case CHAT -> translation.response(answer, wire.format(), clientFormat, model);
        };
    }

    /** How this stream's events become the client's. */
    private StreamConverter converter(Wire wire, RequestContext ctx) {
        ObjectNode clientBody = (ObjectNode) ctx.body().json();
        String model = clientBody.path("model").asString();
        if (operation == Operation.RESPONSES) {
            return wire.nativeResponses() ? new ResponsesPassThrough() : new ResponsesStreamTranslator(wire.format(), clientBody, model);
        }
        // the gateway asks OpenAI-format providers for usage; the client sees the usage chunk only if it asked too
        boolean clientWantsUsage = clientBody.path("stream_options").path("include_usage").asBoolean(false);
        return StreamTranslator.of(wire.format(), clientFormat, model, ctx.requestId(), clientWantsUsage);
    }

    /** A streamed answer: parse events as they come, translate, restore pseudonyms, write; usage at the end. */
    private void relayStream(HttpServerRequest request, RequestContext ctx, HttpClientResponse upstream,
                             StreamConverter translator) {
        HttpServerResponse response = request.response();
        response.setStatusCode(200)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .setChunked(true);
        SseParser parser = new SseParser();
        RestoringText restoring = restorer(ctx);
        StreamedAnswerScan scan = operation == Operation.RESPONSES ? StreamedAnswerScan.ofResponses(ctx)
                : StreamedAnswerScan.of(ctx, clientFormat);
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
                    append(out, translated, scan);
                }
            }
            if (scan != null && scan.blocked()) {
                endBlocked(ctx, upstream, response, out, scan, restoring);
                return;
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
                    append(out, translated, scan);
                }
            }
            for (SseEvent tail : translator.finish()) {
                append(out, tail, scan);
            }
            TokenUsage usage = translator.usage();
            ctx.usage(new Usage(usage.inputTokens(), usage.outputTokens(), 0, usage.cachedInputTokens()));
            if (scan != null) {
                for (SseEvent held : scan.finish()) {
                    out.appendBytes(held.encode());
                }
                if (scan.blocked()) {
                    endBlocked(ctx, upstream, response, out, scan, restoring);
                    return;
                }
                String comment = scan.redactedComment();
                if (comment != null) {
                    out.appendString(comment);
                }
            }
            if (restoring != null) {
                out = restoring.push(out).appendBuffer(restoring.finish());
            }
            response.end(out);
        });
    }

    /** One translated event onto the output, through the response scan when the route has one. */
    private static void append(Buffer out, SseEvent event, StreamedAnswerScan scan) {
        if (scan == null) {
            out.appendBytes(event.encode());
            return;
        }
        for (SseEvent scanned : scan.apply(event)) {
            out.appendBytes(scanned.encode());
        }
    }

    /**
     * The answer held a type the route blocks: what was scanned before it goes out, then the error event, and the
     * stream ends (the upstream is cut). The held-back text with the finding is never sent.
     */
    private static void endBlocked(RequestContext ctx, HttpClientResponse upstream, HttpServerResponse response,
                                   Buffer out, StreamedAnswerScan scan, RestoringText restoring) {
        upstream.handler(null);
        upstream.endHandler(null);
        upstream.exceptionHandler(ignored -> { });
        upstream.request().reset();
        ctx.rejection(TransformLayer.responseGuard(ctx).orElseThrow().blockedError());
        Buffer last = restoring == null ? out : restoring.push(out).appendBuffer(restoring.finish());
        response.end(last.appendBytes(scan.blockedEvent().encode()));
    }

    /** A provider's 4xx (other than 429): its status, with its message, in the client's error shape. */
    private void relayProviderError(HttpServerRequest request, RequestContext ctx, HttpClientResponse response) {
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
