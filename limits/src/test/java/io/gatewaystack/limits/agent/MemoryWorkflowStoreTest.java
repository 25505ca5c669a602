package io.gatewaystack.limits.agent;

import io.gatewaystack.core.Identity;
import io.gatewaystack.limits.store.TestClock;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryWorkflowStoreTest {

    private static final long START = 1_000_000;
    private final TestClock clock = new TestClock(START);
    private final MemoryWorkflowStore store = new MemoryWorkflowStore(clock);

    private static WorkflowCaps caps(long maxCalls, long maxDurationMs, long maxCostMicros, int loopMax, long windowMs,
                                     long idleMs) {
        return new WorkflowCaps(maxCalls, maxDurationMs, maxCostMicros, loopMax, windowMs, idleMs);
    }

    private GuardOutcome call(String key, String fingerprint, WorkflowCaps caps) {
        return store.checkNow(new WorkflowCall(key, fingerprint, caps));
    }

    @Test
    void callCapAdmitsExactlyTheCapThenRefusesUntilTheWorkflowExpires() {
        WorkflowCaps caps = caps(3, 0, 0, 0, 0, 60_000);
        for (int i = 1; i <= 3; i++) {
            GuardOutcome ok = call("wf", null, caps);
            assertThat(ok.admitted()).isTrue();
            assertThat(ok.calls()).isEqualTo(i);
            clock.advance(1_000);
        }
        GuardOutcome refused = call("wf", null, caps);
        assertThat(refused.verdict()).isEqualTo(GuardOutcome.Verdict.REFUSED);
        assertThat(refused.cap()).isEqualTo(Cap.CALLS);
        assertThat(refused.calls()).isEqualTo(3);
        // the last admitted call was 1 s ago: the workflow is forgotten 59 s from now
        assertThat(refused.retryAfterMillis()).isEqualTo(59_000);
        // refused calls do not keep the workflow alive
        clock.advance(58_999);
        assertThat(call("wf", null, caps).cap()).isEqualTo(Cap.CALLS);
        clock.advance(1);
        GuardOutcome fresh = call("wf", null, caps);
        assertThat(fresh.admitted()).isTrue();
        assertThat(fresh.calls()).isEqualTo(1);
    }

    @Test
    void durationCountsFromTheFirstCall() {
        WorkflowCaps caps = caps(0, 10_000, 0, 0, 0, 5_000);
        assertThat(call("wf", null, caps).admitted()).isTrue();
        for (int i = 0; i < 3; i++) {
            clock.advance(3_333);
            assertThat(call("wf", null, caps).admitted()).isTrue(); // t = 9999 at the last one
        }
        clock.advance(1); // t = first + 10 s
        GuardOutcome late = call("wf", null, caps);
        assertThat(late.cap()).isEqualTo(Cap.DURATION);
        assertThat(late.retryAfterMillis()).isEqualTo(4_999); // the last admitted call was 1 ms ago
    }

    @Test
    void costIsCheckedBeforeEachCallSoOneCallCanOvershoot() {
        WorkflowCaps caps = caps(0, 0, 1_000_000, 0, 0, 60_000);
        assertThat(call("wf", null, caps).admitted()).isTrue();
        store.addCostNow("wf", 600_000);
        GuardOutcome second = call("wf", null, caps);
        assertThat(second.admitted()).isTrue();
        assertThat(second.costMicros()).isEqualTo(600_000);
        store.addCostNow("wf", 700_000); // 1.3 USD: the second call overshot the 1 USD cap
        GuardOutcome third = call("wf", null, caps);
        assertThat(third.cap()).isEqualTo(Cap.COST);
        assertThat(third.costMicros()).isEqualTo(1_300_000);
        // cost of an unknown or expired workflow is dropped, not turned into a new workflow
        store.addCostNow("nobody", 5);
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void loopWindowEdges() {
        WorkflowCaps caps = caps(0, 0, 0, 3, 1_000, 60_000);
        String same = CallFingerprint.of("search", JsonMapper.builder().build().readTree("{\"q\":\"x\",\"n\":1}"));
        assertThat(call("wf", same, caps).repeats()).isEqualTo(1); // t = 0
        clock.advance(10);
        assertThat(call("wf", same, caps).repeats()).isEqualTo(2); // t = 10
        clock.advance(10);
        assertThat(call("wf", same, caps).repeats()).isEqualTo(3); // t = 20
        GuardOutcome loop = call("wf", same, caps);
        assertThat(loop.cap()).isEqualTo(Cap.LOOP);
        assertThat(loop.retryAfterMillis()).isEqualTo(980); // the call at t = 0 leaves the window at t = 1000
        // other arguments, or another tool, are other calls
        assertThat(call("wf", CallFingerprint.of("search", JsonMapper.builder().build().readTree("{\"q\":\"y\"}")), caps)
                .admitted()).isTrue();
        assertThat(call("wf", null, caps).admitted()).isTrue();
        clock.set(START + 999); // the window (now - 1000, now] still holds t = 0
        assertThat(call("wf", same, caps).cap()).isEqualTo(Cap.LOOP);
        clock.set(START + 1_000); // t = 0 has left; refused calls were never logged
        GuardOutcome again = call("wf", same, caps);
        assertThat(again.admitted()).isTrue();
        assertThat(again.repeats()).isEqualTo(3);
        assertThat(call("wf", same, caps).cap()).isEqualTo(Cap.LOOP);
    }

    @Test
    void anIdleWorkflowIsForgottenWithItsLoopLogAndCost() {
        WorkflowCaps caps = caps(2, 0, 100, 1, 600_000, 30_000);
        assertThat(call("wf", "fp", caps).admitted()).isTrue();
        store.addCostNow("wf", 50);
        clock.advance(29_999);
        GuardOutcome stillThere = call("wf", "fp", caps);
        assertThat(stillThere.cap()).isEqualTo(Cap.LOOP);
        assertThat(stillThere.costMicros()).isEqualTo(50);
        clock.advance(1);
        GuardOutcome fresh = call("wf", "fp", caps);
        assertThat(fresh.admitted()).isTrue();
        assertThat(fresh.calls()).isEqualTo(1);
        assertThat(fresh.costMicros()).isZero();
        clock.advance(30_000);
        assertThat(store.sweep()).isEqualTo(1);
        assertThat(store.size()).isZero();
    }

    @Test
    void aWorkflowIsBoundToTheUserWhoCalls() {
        Identity alice = user("alice", "https://idp-a");
        Identity bob = user("bob", "https://idp-a");
        Identity aliceElsewhere = user("alice", "https://idp-b");
        WorkflowId id = new WorkflowId(WorkflowId.Source.HEADER, "run-42");
        assertThat(id.key(alice)).isEqualTo(new WorkflowId(WorkflowId.Source.HEADER, "run-42").key(alice));
        assertThat(id.key(alice)).isNotEqualTo(id.key(bob)).isNotEqualTo(id.key(aliceElsewhere));
        assertThat(id.key(alice)).isNotEqualTo(new WorkflowId(WorkflowId.Source.MCP_SESSION, "run-42").key(alice));
        assertThat(id.key(alice)).hasSize(43).matches("[A-Za-z0-9_-]+");

        WorkflowCaps caps = caps(1, 0, 0, 0, 0, 60_000);
        assertThat(call(id.key(alice), null, caps).admitted()).isTrue();
        assertThat(call(id.key(alice), null, caps).cap()).isEqualTo(Cap.CALLS);
        assertThat(call(id.key(bob), null, caps).admitted()).isTrue(); // bob's "run-42" is his own
        store.addCostNow(id.key(bob), 1_000); // and his cost never lands on alice's workflow
        assertThat(call(id.key(alice), null, new WorkflowCaps(0, 0, 1, 0, 0, 60_000)).costMicros()).isZero();
    }

    @Test
    void headerValuesAreBoundedAndPlain() {
        assertThat(WorkflowId.problemWith("0f8fad5b-d9cb-469f-a165-70867728950e")).isNull();
        assertThat(WorkflowId.problemWith("run:2026.11_21")).isNull();
        assertThat(WorkflowId.problemWith("a".repeat(128))).isNull();
        assertThat(WorkflowId.problemWith("a".repeat(129))).contains("longer than 128");
        assertThat(WorkflowId.problemWith("")).isEqualTo("is empty");
        assertThat(WorkflowId.problemWith("a b")).contains("only letters");
        assertThat(WorkflowId.problemWith("a{b}")).contains("only letters");
        assertThat(WorkflowId.problemWith("é")).contains("only letters");
    }

    @Test
    void canonicalArgumentsIgnoreKeyOrderWhitespaceAndNumberSpelling() {
        JsonMapper json = JsonMapper.builder().build();
        String a = CallFingerprint.of("t", json.readTree("{\"b\": [1, 2.50, {\"y\": null, \"x\": true}], \"a\": \"s\"}"));
        String b = CallFingerprint.of("t", json.readTree("{\"a\":\"s\",\"b\":[1.0,2.5,{\"x\":true,\"y\":null}]}"));
        assertThat(a).isEqualTo(b);
        assertThat(CallFingerprint.of("u", json.readTree("{\"a\":\"s\",\"b\":[1,2.5,{\"x\":true,\"y\":null}]}"))).isNotEqualTo(a);
        assertThat(CallFingerprint.of("t", json.readTree("{\"a\":\"s\",\"b\":[1,2.5,{\"x\":false,\"y\":null}]}"))).isNotEqualTo(a);
        // strings are length-prefixed: no value can imitate the structure around it
        assertThat(CallFingerprint.of("t", json.readTree("{\"a\":\"b\",\"c\":\"d\"}")))
                .isNotEqualTo(CallFingerprint.of("t", json.readTree("{\"a\":\"bs1:cs1:d\"}")));
        assertThat(CallFingerprint.of("t", json.readTree("\"1\""))).isNotEqualTo(CallFingerprint.of("t", json.readTree("1")));
        assertThat(CallFingerprint.of("t", null)).isEqualTo(CallFingerprint.of("t", json.readTree("{}")));
        assertThat(CallFingerprint.canonical(json.readTree("{\"b\":1e2,\"a\":[0.0,-0]}"))).isEqualTo("{s1:a[n0;n0;]s1:bn1E+2;}");
    }

    @Test
    void concurrentCallsNeverExceedTheCap() throws Exception {
        MemoryWorkflowStore shared = new MemoryWorkflowStore(java.time.InstantSource.system());
        WorkflowCaps caps = caps(100, 0, 0, 0, 0, 60_000);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                workers.add(pool.submit(() -> {
                    go.await();
                    int admitted = 0;
                    for (int i = 0; i < 50; i++) {
                        if (shared.checkNow(new WorkflowCall("wf", null, caps)).admitted()) {
                            admitted++;
                        }
                    }
                    return admitted;
                }));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> worker : workers) {
                total += worker.get(10, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(100);
        } finally {
            pool.shutdownNow();
            shared.close();
        }
    }

    @Test
    void aClockSteppingBackDoesNotReopenTheLoopWindow() {
        WorkflowCaps caps = caps(0, 0, 0, 2, 1_000, 60_000);
        assertThat(call("wf", "fp", caps).admitted()).isTrue();
        assertThat(call("wf", "fp", caps).admitted()).isTrue();
        clock.advance(-5_000);
        assertThat(call("wf", "fp", caps).cap()).isEqualTo(Cap.LOOP);
    }

    private static Identity user(String sub, String issuer) {
        return new Identity(sub, issuer, null, null, List.of(), List.of(), null, null, null, null, null, Map.of());
    }
}
