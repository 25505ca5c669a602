package io.gatewaystack.limits.agent;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.LimitsDecision;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.core.Usage;
import io.gatewaystack.core.Verdict;
import io.gatewaystack.limits.LimitsLayer;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The agent guard in the chain: runs after the limits layer, on the MCP, REST tool and LLM routes.
 *
 * <p>Request phase, for a request with a verified identity:
 * <ol>
 *   <li>The workflow header, when sent, must be a valid id ({@link WorkflowId#problemWith}); else 400
 *       {@code invalid_request}.</li>
 *   <li>Only calls count: a request whose resource is a tool or a model. Other requests (MCP {@code initialize},
 *       {@code tools/list}, {@code ping}) pass untouched.</li>
 *   <li>The workflow is the header's id, else the route's verified session ({@link SessionSource}); a call with
 *       neither is not guarded. Either way it is keyed together with the verified user.</li>
 *   <li>The store checks every cap and counts the call; a refused call is 429 {@code workflow_limit_exceeded} with
 *       details {@code cap} ({@code calls|duration|cost|loop}), {@code limit} and {@code retry_after} (the server
 *       sets {@code Retry-After} from it). A store that is down answers per its failure policy: counted locally
 *       (and {@link LimitsLayer#DEGRADED_ATTRIBUTE} set) or 503 {@code unavailable}.</li>
 * </ol>
 * The decision goes into {@link #DECISION_ATTRIBUTE} ({@link GuardDecision}) and, as one more reason line, into the
 * request's {@link LimitsDecision}, which the audit event records.
 *
 * <p>Completion phase: adds the call's cost ({@code RequestContext.usage().costMicros()}) to the workflow, so the
 * next call is refused once the cost cap is reached.
 */
public final class AgentGuardLayer implements Layer {

    /** Attribute holding the {@link GuardDecision}. */
    public static final String DECISION_ATTRIBUTE = "limits.agent_guard";
    /** Attribute holding the per-request state the completion phase needs. */
    static final String TICKET_ATTRIBUTE = "limits.agent_guard.ticket";

    private final AgentGuard guard;
    private final ToolArguments arguments;
    private final SessionSource sessions;
    private final String header;

    AgentGuardLayer(AgentGuard guard, ToolArguments arguments, SessionSource sessions) {
        this.guard = Objects.requireNonNull(guard, "guard");
        this.arguments = arguments;
        this.sessions = sessions == null ? SessionSource.NONE : sessions;
        this.header = guard.config().header();
    }

    @Override
    public String name() {
        return "agent-guard";
    }

    @Override
    public Verdict onRequest(RequestContext ctx) {
        Identity identity = ctx.identity();
        if (identity == null) {
            return Verdict.proceed();
        }
        String headerValue = ctx.headers().get(header);
        WorkflowId id = null;
        if (headerValue != null) {
            String problem = WorkflowId.problemWith(headerValue);
            if (problem != null) {
                return Verdict.reject(ErrorCode.INVALID_REQUEST, "The " + header + " header " + problem + ".");
            }
            id = new WorkflowId(WorkflowId.Source.HEADER, headerValue);
        }
        ResourceRequest resource = ctx.resource();
        if (resource == null || resource.kind() == ResourceRequest.Kind.ROUTE) {
            return Verdict.proceed();
        }
        if (id == null) {
            String session = sessions.verifiedSession(ctx);
            if (session == null) {
                return Verdict.proceed();
            }
            id = new WorkflowId(WorkflowId.Source.MCP_SESSION, session);
        }
        WorkflowCaps caps = guard.config().caps();
        String fingerprint = caps.loopCheck() && arguments != null && resource.kind() == ResourceRequest.Kind.TOOL
                ? CallFingerprint.of(resource.name(), arguments.of(ctx)) : null;
        Ticket ticket = new Ticket(id.key(identity), id.label());
        ctx.attributes().put(TICKET_ATTRIBUTE, ticket);
        CompletionStage<GuardOutcome> pending = guard.check(ticket.key, fingerprint);
        if (pending instanceof CompletableFuture<GuardOutcome> done && done.isDone() && !done.isCompletedExceptionally()) {
            return decide(ctx, ticket, resource, done.join());
        }
        return Verdict.await(pending.thenApply(outcome -> decide(ctx, ticket, resource, outcome)));
    }

    private Verdict decide(RequestContext ctx, Ticket ticket, ResourceRequest resource, GuardOutcome outcome) {
        if (outcome.degraded()) {
            ctx.attributes().put(LimitsLayer.DEGRADED_ATTRIBUTE, Boolean.TRUE);
        }
        WorkflowCaps caps = guard.config().caps();
        switch (outcome.verdict()) {
            case ADMITTED -> {
                ticket.admit(outcome.degraded());
                String reason = "workflow " + ticket.label + ": call " + outcome.calls()
                        + (caps.maxCalls() > 0 ? " of " + caps.maxCalls() : "");
                record(ctx, new GuardDecision(true, ticket.label, null, outcome.calls(), outcome.costMicros(), 0,
                        outcome.degraded()), reason);
                return Verdict.proceed();
            }
            case REFUSED -> {
                Cap cap = outcome.cap();
                long retryAfter = Math.max(1, (outcome.retryAfterMillis() + 999) / 1000);
                String description = describe(cap, caps, resource, outcome, guard.config().currency());
                record(ctx, new GuardDecision(false, ticket.label, cap.label(), outcome.calls(), outcome.costMicros(),
                        retryAfter, outcome.degraded()), description);
                Map<String, Object> details = new LinkedHashMap<>(6);
                details.put("cap", cap.label());
                details.put("limit", limitDetail(cap, caps));
                details.put("retry_after", retryAfter);
                details.put("workflow", ticket.label);
                if (cap == Cap.LOOP) {
                    details.put("tool", resource.name());
                    details.put("window", Math.max(1, caps.loopWindowMillis() / 1000));
                }
                return Verdict.reject(new GatewayError(ErrorCode.WORKFLOW_LIMIT_EXCEEDED, description, null, details));
            }
            default -> {
                String description = "The workflow limit store is unavailable; try again shortly.";
                record(ctx, new GuardDecision(false, ticket.label, null, 0, 0, 1, false), description);
                return Verdict.reject(new GatewayError(ErrorCode.UNAVAILABLE, description, null,
                        Map.of("retry_after", 1L)));
            }
        }
    }

    /** Keeps the decision for audit: its own attribute, and one line in the limits decision the audit event shows. */
    private static void record(RequestContext ctx, GuardDecision decision, String reason) {
        ctx.attributes().put(DECISION_ATTRIBUTE, decision);
        LimitsDecision prior = ctx.limitsDecision();
        if (prior == null) {
            ctx.limitsDecision(new LimitsDecision(decision.allowed(), List.of(reason), decision.retryAfterSeconds()));
            return;
        }
        List<String> reasons = new ArrayList<>(prior.reasons().size() + 1);
        reasons.addAll(prior.reasons());
        reasons.add(reason);
        ctx.limitsDecision(new LimitsDecision(prior.allowed() && decision.allowed(), reasons,
                Math.max(prior.retryAfterSeconds(), decision.retryAfterSeconds())));
    }

    private static String describe(Cap cap, WorkflowCaps caps, ResourceRequest resource, GuardOutcome outcome,
                                   String currency) {
        return switch (cap) {
            case CALLS -> "Workflow call limit reached: at most " + caps.maxCalls() + " calls per workflow.";
            case DURATION -> "Workflow time limit reached: a workflow may call for at most "
                    + seconds(caps.maxDurationMillis()) + " after its first call.";
            case COST -> "Workflow cost limit reached: the workflow has spent " + money(outcome.costMicros(), currency)
                    + " of its " + money(caps.maxCostMicros(), currency) + ".";
            case LOOP -> "Loop detected: " + kind(resource) + " '" + resource.name() + "' was called "
                    + caps.loopMaxRepeats() + " times with the same arguments within "
                    + seconds(caps.loopWindowMillis()) + "; change the arguments or stop.";
        };
    }

    private static Object limitDetail(Cap cap, WorkflowCaps caps) {
        return switch (cap) {
            case CALLS -> caps.maxCalls();
            case DURATION -> Math.max(1, caps.maxDurationMillis() / 1000);
            case COST -> BigDecimal.valueOf(caps.maxCostMicros(), 6).stripTrailingZeros();
            case LOOP -> caps.loopMaxRepeats();
        };
    }

    private static String kind(ResourceRequest resource) {
        return resource.kind() == ResourceRequest.Kind.MODEL ? "model" : "tool";
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private static String money(long micros, String currency) {
        return BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString() + " " + currency;
    }

    @Override
    public void onComplete(RequestContext ctx) {
        if (!(ctx.attributes().get(TICKET_ATTRIBUTE) instanceof Ticket ticket) || !ticket.admitted) {
            return;
        }
        Usage usage = ctx.usage();
        if (usage != null && usage.costMicros() > 0) {
            guard.addCost(ticket.key, usage.costMicros(), ticket.degraded);
        }
    }

    /**
     * What the completion phase needs. The store's answer may arrive on a Redis I/O thread while the request
     * completes on the event loop (client gone), hence the volatile fields; a call whose answer comes after its
     * completion was never forwarded and has no cost.
     */
    private static final class Ticket {
        final String key;
        final String label;
        volatile boolean degraded;
        volatile boolean admitted;

        Ticket(String key, String label) {
            this.key = key;
            this.label = label;
        }

        void admit(boolean wasDegraded) {
            degraded = wasDegraded;
            admitted = true;
        }
    }
}
