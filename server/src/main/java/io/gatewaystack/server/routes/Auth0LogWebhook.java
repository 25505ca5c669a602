package io.gatewaystack.server.routes;

import io.gatewaystack.audit.auth0.Auth0DcrPromoter;
import io.gatewaystack.core.BodySource;
import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.Failures;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;
import io.gatewaystack.server.http.ErrorResponder;
import io.gatewaystack.server.http.JsonBodies;
import io.gatewaystack.server.http.Terminal;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /webhooks/auth0/logs}: the Auth0 log stream. The shared secret is checked first (constant time,
 * before the body is read), then every dynamic client registration in the batch is promoted through the
 * Management API ({@link Auth0DcrPromoter}). Answers at once and clearly: 401 without the secret, 400 for a body
 * that is not Auth0 log events, 200 {@code {"ok":true,"events":N,"registrations":R,"promoted":[...]}}, 502
 * {@code upstream_error} or 504 {@code upstream_timeout} naming the Management API call that failed (Auth0 then
 * retries the batch; promotion is idempotent).
 */
public final class Auth0LogWebhook {

    private final byte[] secret;
    private final Auth0DcrPromoter promoter;
    private final ErrorResponder errors;
    private final long maxBytes;

    public Auth0LogWebhook(String secret, Auth0DcrPromoter promoter, ErrorResponder errors, long maxBytes) {
        this.secret = ("Bearer " + secret).getBytes(StandardCharsets.UTF_8);
        this.promoter = promoter;
        this.errors = errors;
        this.maxBytes = maxBytes;
    }

    /** The shared-secret check, as a layer (so a refused call is audited like any denial). */
    public Layer secretCheck() {
        return new Layer() {
            @Override
            public String name() {
                return "webhook-secret";
            }

            @Override
            public Verdict onRequest(RequestContext context) {
                String auth = context.headers().get("Authorization");
                if (auth == null || !MessageDigest.isEqual(secret, auth.getBytes(StandardCharsets.UTF_8))) {
                    return Verdict.reject(ErrorCode.INVALID_TOKEN, "The webhook secret is missing or wrong.");
                }
                return Verdict.proceed();
            }
        };
    }

    public Terminal terminal() {
        return (request, ctx) -> {
            Context eventLoop = Vertx.currentContext();
            ctx.bodySource().read(maxBytes).whenComplete((bytes, readFailure) -> eventLoop.runOnContext(r -> {
                if (readFailure != null) {
                    boolean tooLarge = Failures.unwrap(readFailure) instanceof BodySource.TooLarge;
                    errors.send(request, ctx, tooLarge
                            ? GatewayError.of(ErrorCode.PAYLOAD_TOO_LARGE, "The log batch is larger than " + maxBytes + " bytes.")
                            : GatewayError.of(ErrorCode.INVALID_REQUEST, "The request body could not be read."));
                    return;
                }
                List<JsonNode> events;
                try {
                    events = Auth0DcrPromoter.parseBatch(bytes);
                } catch (IllegalArgumentException e) {
                    errors.send(request, ctx, GatewayError.of(ErrorCode.INVALID_REQUEST, e.getMessage()));
                    return;
                }
                promote(request, ctx, eventLoop, events);
            }));
        };
    }

    private void promote(HttpServerRequest request, RequestContext ctx, Context eventLoop, List<JsonNode> events) {
        promoter.handle(events).whenComplete((result, failure) -> eventLoop.runOnContext(v -> {
            if (failure == null) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("ok", true);
                body.put("events", result.events());
                body.put("registrations", result.registrations());
                body.put("promoted", result.promoted());
                request.response().putHeader("Content-Type", "application/json").end(JsonBodies.encode(body));
                return;
            }
            Throwable cause = Failures.unwrap(failure);
            if (cause instanceof Auth0DcrPromoter.PromotionFailed p) {
                errors.send(request, ctx, GatewayError.of(p.timeout() ? ErrorCode.UPSTREAM_TIMEOUT : ErrorCode.UPSTREAM_ERROR,
                        p.getMessage()));
            } else {
                errors.send(request, ctx, GatewayError.of(ErrorCode.INTERNAL_ERROR, "The log batch could not be processed."));
            }
        }));
    }
}
