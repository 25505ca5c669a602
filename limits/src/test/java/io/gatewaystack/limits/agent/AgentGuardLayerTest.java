package io.gatewaystack.limits.agent;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.LimitsDecision;
import io.gatewaystack.core.RequestBody;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.core.Usage;
import io.gatewaystack.core.Verdict;
import io.gatewaystack.limits.LimitsLayer;
import io.gatewaystack.limits.store.TestClock;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AgentGuardLayerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final TestClock clock = new TestClock(5_000_000);
    private final MemoryWorkflowStore store = new MemoryWorkflowStore(clock);
    private int requests;

    private AgentGuard guard(WorkflowCaps caps) {
        return new AgentGuard(AgentGuardConfig.of(caps), store);
    }

    private RequestContext request(String user, Map<String, String> headers, ResourceRequest resource, String body) {
        RequestContext ctx = RequestContext.builder().requestId("r" + ++requests).method("POST").path("/x")
                .routeName("tools").headers(name -> headers.entrySet().stream()
                        .filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null))
                .build();
        if (user != null) {
            ctx.identity(new Identity(user, "https://idp", null, null, List.of(), List.of(), null, null, null, null,
                    null, Map.of()));
        }
        if (resource != null) {
            ctx.resource(resource);
        }
        if (body != null) {
            byte[] raw = body.getBytes(StandardCharsets.UTF_8);
            ctx.body(new RequestBody(raw, "application/json", JSON.readTree(raw)));
        }
        return ctx;
    }

    private static ResourceRequest tool(String name) {
        return new ResourceRequest(ResourceRequest.Kind.TOOL, name);
    }

    @Test
    void aBadWorkflowHeaderIs400AndRequestsWithoutAWorkflowPass() {
        AgentGuardLayer layer = guard(new WorkflowCaps(1, 0, 0, 0, 0, 60_000)).layer(ToolArguments.REQUEST_BODY, null);
        Verdict bad = layer.onRequest(request("alice", Map.of("X-Workflow-Id", "no spaces"), tool("echo"), "{}"));
        assertThat(bad.rejection().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(bad.rejection().description()).startsWith("The X-Workflow-Id header may contain only");
        for (int i = 0; i < 3; i++) {
            assertThat(layer.onRequest(request("alice", Map.of(), tool("echo"), "{}")).isProceed()).isTrue();
            // not a call (MCP initialize, tools/list): never counted
            assertThat(layer.onRequest(request("alice", Map.of("X-Workflow-Id", "w"), ResourceRequest.route("mcp"), null))
                    .isProceed()).isTrue();
            // no verified identity: identity has answered already on protected routes
            assertThat(layer.onRequest(request(null, Map.of("X-Workflow-Id", "w"), tool("echo"), "{}")).isProceed()).isTrue();
        }
        assertThat(store.size()).isZero();
    }

    @Test
    void callCapRefusalCarriesDetailsAndAnAuditLine() {
        AgentGuardLayer layer = guard(new WorkflowCaps(2, 0, 0, 0, 0, 60_000)).layer(ToolArguments.REQUEST_BODY, null);
        Map<String, String> wf = Map.of("x-workflow-id", "run-1");
        RequestContext first = request("alice", wf, tool("echo"), "{}");
        first.limitsDecision(new LimitsDecision(true, List.of("per-user: 9 of 10 left"), 0));
        assertThat(layer.onRequest(first).isProceed()).isTrue();
        assertThat(first.limitsDecision().reasons()).containsExactly("per-user: 9 of 10 left", "workflow run-1: call 1 of 2");
        GuardDecision decision = (GuardDecision) first.attributes().get(AgentGuardLayer.DECISION_ATTRIBUTE);
        assertThat(decision.allowed()).isTrue();
        assertThat(decision.calls()).isEqualTo(1);
        assertThat(layer.onRequest(request("alice", wf, tool("echo"), "{}")).isProceed()).isTrue();

        RequestContext third = request("alice", wf, tool("echo"), "{}");
        Verdict refused = layer.onRequest(third);
        GatewayError error = refused.rejection();
        assertThat(error.code()).isEqualTo(ErrorCode.WORKFLOW_LIMIT_EXCEEDED);
        assertThat(error.status()).isEqualTo(429);
        assertThat(error.description()).isEqualTo("Workflow call limit reached: at most 2 calls per workflow.");
        assertThat(error.details()).containsEntry("cap", "calls").containsEntry("limit", 2L)
                .containsEntry("retry_after", 60L).containsEntry("workflow", "run-1");
        assertThat(third.limitsDecision().allowed()).isFalse();
        assertThat(third.limitsDecision().retryAfterSeconds()).isEqualTo(60);
        assertThat(((GuardDecision) third.attributes().get(AgentGuardLayer.DECISION_ATTRIBUTE)).cap()).isEqualTo("calls");

        // bob's run-1 is his own workflow
        assertThat(layer.onRequest(request("bob", wf, tool("echo"), "{}")).isProceed()).isTrue();
    }

    @Test
    void loopOnTheSameToolAndArguments() {
        AgentGuardLayer layer = guard(new WorkflowCaps(0, 0, 0, 2, 60_000, 600_000)).layer(ToolArguments.REQUEST_BODY, null);
        Map<String, String> wf = Map.of("X-Workflow-Id", "agent-7");
        assertThat(layer.onRequest(request("alice", wf, tool("search"), "{\"q\":\"a\",\"k\":1}")).isProceed()).isTrue();
        assertThat(layer.onRequest(request("alice", wf, tool("search"), "{ \"k\": 1.0, \"q\": \"a\" }")).isProceed()).isTrue();
        assertThat(layer.onRequest(request("alice", wf, tool("search"), "{\"q\":\"b\",\"k\":1}")).isProceed()).isTrue();
        assertThat(layer.onRequest(request("alice", wf, tool("fetch"), "{\"q\":\"a\",\"k\":1}")).isProceed()).isTrue();
        GatewayError loop = layer.onRequest(request("alice", wf, tool("search"), "{\"k\":1,\"q\":\"a\"}")).rejection();
        assertThat(loop.code()).isEqualTo(ErrorCode.WORKFLOW_LIMIT_EXCEEDED);
        assertThat(loop.details()).containsEntry("cap", "loop").containsEntry("limit", 2).containsEntry("tool", "search")
                .containsEntry("window", 60L).containsEntry("retry_after", 60L);
        assertThat(loop.description()).contains("tool 'search' was called 2 times with the same arguments within 60 s");
        // the LLM routes have no loop check: the same model call passes
        AgentGuardLayer llm = guard(new WorkflowCaps(0, 0, 0, 2, 60_000, 600_000)).layer(null, null);
        for (int i = 0; i < 4; i++) {
            assertThat(llm.onRequest(request("alice", wf, new ResourceRequest(ResourceRequest.Kind.MODEL, "gpt"),
                    "{\"messages\":[]}")).isProceed()).isTrue();
        }
    }

    @Test
    void mcpArgumentsAndSessionsNameTheWorkflow() {
        AgentGuardLayer layer = guard(new WorkflowCaps(0, 0, 0, 1, 60_000, 600_000))
                .layer(ToolArguments.MCP_TOOLS_CALL, ctx -> ctx.headers().get("Mcp-Session-Id"));
        String call = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"m\":\"hi\"}}}";
        Map<String, String> session = Map.of("Mcp-Session-Id", "s-1");
        assertThat(layer.onRequest(request("alice", session, tool("echo"), call.formatted(1))).isProceed()).isTrue();
        RequestContext again = request("alice", session, tool("echo"), "[" + call.formatted(2) + "]");
        GatewayError loop = layer.onRequest(again).rejection();
        assertThat(loop.details()).containsEntry("cap", "loop");
        assertThat((String) loop.details().get("workflow")).startsWith("mcp-session:").doesNotContain("s-1");
        // another session of the same user is another workflow; the header wins over the session
        assertThat(layer.onRequest(request("alice", Map.of("Mcp-Session-Id", "s-2"), tool("echo"), call.formatted(3)))
                .isProceed()).isTrue();
        assertThat(layer.onRequest(request("alice", Map.of("Mcp-Session-Id", "s-1", "X-Workflow-Id", "w"), tool("echo"),
                call.formatted(4))).isProceed()).isTrue();
    }

    @Test
    void anMcpBodyTheServerDidNotParseIsReadForItsArguments() {
        AgentGuardLayer layer = guard(new WorkflowCaps(0, 0, 0, 1, 60_000, 600_000))
                .layer(ToolArguments.MCP_TOOLS_CALL, SessionSource.NONE);
        Map<String, String> wf = Map.of("X-Workflow-Id", "w");
        for (int i = 0; i < 2; i++) {
            RequestContext ctx = request("alice", wf, tool("echo"), null);
            byte[] raw = ("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                    + "\"arguments\":{\"m\":1}}}").getBytes(StandardCharsets.UTF_8);
            ctx.body(new RequestBody(raw, "text/plain", null));
            Verdict verdict = layer.onRequest(ctx);
            assertThat(verdict.isProceed()).isEqualTo(i == 0);
        }
        assertThat(ToolArguments.MCP_TOOLS_CALL.of(request("alice", wf, tool("echo"), "{\"method\":\"tools/call\"}"))
                .isMissingNode()).isTrue();
    }

    @Test
    void costIsAddedAtCompletionAndRefusesTheNextCall() {
        AgentGuardLayer layer = guard(new WorkflowCaps(0, 0, 1_500_000, 0, 0, 600_000)).layer(null, null);
        Map<String, String> wf = Map.of("X-Workflow-Id", "w");
        ResourceRequest model = new ResourceRequest(ResourceRequest.Kind.MODEL, "gpt");
        RequestContext first = request("alice", wf, model, "{}");
        assertThat(layer.onRequest(first).isProceed()).isTrue();
        first.usage(new Usage(10, 10, 1_000_000));
        layer.onComplete(first);
        RequestContext second = request("alice", wf, model, "{}");
        assertThat(layer.onRequest(second).isProceed()).isTrue();
        second.usage(new Usage(10, 10, 900_000));
        layer.onComplete(second);
        // a refused call's usage (none, it was never forwarded) adds nothing
        RequestContext third = request("alice", wf, model, "{}");
        GatewayError cost = layer.onRequest(third).rejection();
        third.usage(new Usage(0, 0, 5_000_000));
        layer.onComplete(third);
        assertThat(cost.details()).containsEntry("cap", "cost").containsEntry("limit", new BigDecimal("1.5"));
        assertThat(cost.description()).isEqualTo("Workflow cost limit reached: the workflow has spent 1.9 USD of its 1.5 USD.");
        assertThat(store.checkNow(new WorkflowCall(new WorkflowId(WorkflowId.Source.HEADER, "w").key(first.identity()),
                null, new WorkflowCaps(0, 0, 0, 0, 0, 600_000))).costMicros()).isEqualTo(1_900_000);
    }

    @Test
    void unavailableStoreUnderFailClosedIs503AndDegradedIsMarked() {
        WorkflowStore down = new WorkflowStore() {
            public java.util.concurrent.CompletionStage<GuardOutcome> check(WorkflowCall call) {
                return java.util.concurrent.CompletableFuture.completedFuture(GuardOutcome.unavailable());
            }
            public java.util.concurrent.CompletionStage<Void> addCost(String key, long micros) {
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }
            public void close() {
            }
        };
        AgentGuardLayer closed = new AgentGuard(AgentGuardConfig.of(new WorkflowCaps(1, 0, 0, 0, 0, 1_000)), down)
                .layer(null, null);
        GatewayError error = closed.onRequest(request("alice", Map.of("X-Workflow-Id", "w"), tool("t"), "{}")).rejection();
        assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(error.details()).containsEntry("retry_after", 1L);

        WorkflowStore local = new WorkflowStore() {
            public java.util.concurrent.CompletionStage<GuardOutcome> check(WorkflowCall call) {
                return store.check(call).thenApply(GuardOutcome::asDegraded);
            }
            public java.util.concurrent.CompletionStage<Void> addCost(String key, long micros) {
                return store.addCost(key, micros);
            }
            public void close() {
            }
        };
        RequestContext ctx = request("alice", Map.of("X-Workflow-Id", "w"), tool("t"), "{}");
        assertThat(new AgentGuard(AgentGuardConfig.of(new WorkflowCaps(1, 0, 0, 0, 0, 1_000)), local).layer(null, null)
                .onRequest(ctx).isProceed()).isTrue();
        assertThat(ctx.attributes()).containsEntry(LimitsLayer.DEGRADED_ATTRIBUTE, Boolean.TRUE);
        assertThat(((GuardDecision) ctx.attributes().get(AgentGuardLayer.DECISION_ATTRIBUTE)).degraded()).isTrue();
    }
}
