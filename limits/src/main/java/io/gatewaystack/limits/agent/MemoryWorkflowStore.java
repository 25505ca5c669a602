package io.gatewaystack.limits.agent;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Workflows kept in this process: exact for one gateway instance (each replica counts on its own).
 *
 * <p>One object per workflow in a {@link ConcurrentHashMap}, locked on its own monitor: calls of different workflows
 * never contend. A workflow with no admitted call for its idle TTL is forgotten, at the latest by {@link #sweep()}
 * (on its own daemon thread, or called by the owner); a check that finds an expired workflow starts it afresh.
 */
public final class MemoryWorkflowStore implements WorkflowStore {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final InstantSource clock;
    private final ConcurrentHashMap<String, Workflow> workflows = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;

    /** A store whose owner calls {@link #sweep()} itself (tests). */
    public MemoryWorkflowStore(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sweeper = null;
    }

    /** A store on the system clock that drops expired workflows every {@code sweepInterval} on a daemon thread. */
    public MemoryWorkflowStore(Duration sweepInterval) {
        this.clock = InstantSource.system();
        long every = Math.max(1, sweepInterval.toMillis());
        this.sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("gatewaystack-workflow-sweeper").factory());
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletionStage<GuardOutcome> check(WorkflowCall call) {
        return CompletableFuture.completedFuture(checkNow(call));
    }

    /** The synchronous form of {@link #check}: this store never waits for I/O. */
    public GuardOutcome checkNow(WorkflowCall call) {
        WorkflowCaps caps = call.caps();
        while (true) {
            Workflow wf = workflows.computeIfAbsent(call.workflowKey(), k -> new Workflow());
            synchronized (wf) {
                if (wf.evicted) {
                    continue; // the sweeper removed it between lookup and lock: take the fresh one
                }
                return decide(wf, call, caps, clock.millis());
            }
        }
    }

    /** Runs with the workflow locked: expire, check every cap, then count the call or not. */
    private static GuardOutcome decide(Workflow wf, WorkflowCall call, WorkflowCaps caps, long clockNow) {
        long now = Math.max(clockNow, wf.last); // a clock stepping back never reorders the log
        if (wf.calls > 0 && now - wf.last >= caps.idleTtlMillis()) {
            wf.reset();
        }
        boolean fresh = wf.calls == 0;
        long untilExpiry = fresh ? caps.idleTtlMillis() : wf.last + caps.idleTtlMillis() - now;
        Cap refused = null;
        long retry = 0;
        if (caps.maxCalls() > 0 && wf.calls >= caps.maxCalls()) {
            refused = Cap.CALLS;
            retry = untilExpiry;
        } else if (caps.maxDurationMillis() > 0 && !fresh && now - wf.first >= caps.maxDurationMillis()) {
            refused = Cap.DURATION;
            retry = untilExpiry;
        } else if (caps.maxCostMicros() > 0 && wf.cost >= caps.maxCostMicros()) {
            refused = Cap.COST;
            retry = untilExpiry;
        }
        ArrayDeque<Long> log = null;
        if (caps.loopCheck() && call.fingerprint() != null) {
            log = wf.loops.get(call.fingerprint());
            if (log != null) {
                expire(log, now - caps.loopWindowMillis());
            }
            int repeats = log == null ? 0 : log.size();
            if (refused == null && repeats >= caps.loopMaxRepeats()) {
                refused = Cap.LOOP;
                retry = log.peekFirst() + caps.loopWindowMillis() - now;
            }
        }
        int repeats = log == null ? 0 : log.size();
        if (refused != null) {
            return GuardOutcome.refused(refused, retry, wf.calls, wf.cost, repeats);
        }
        if (fresh) {
            wf.first = now;
        }
        wf.calls++;
        wf.last = now;
        wf.idleTtlMillis = caps.idleTtlMillis();
        wf.loopWindowMillis = caps.loopWindowMillis();
        if (caps.loopCheck() && call.fingerprint() != null) {
            if (log == null) {
                log = new ArrayDeque<>(4);
                wf.loops.put(call.fingerprint(), log);
            }
            log.addLast(now);
            repeats = log.size();
        }
        return GuardOutcome.admitted(wf.calls, wf.cost, repeats);
    }

    /** Drops the times at or before the cutoff (oldest first). */
    private static void expire(ArrayDeque<Long> log, long cutoff) {
        while (!log.isEmpty() && log.peekFirst() <= cutoff) {
            log.pollFirst();
        }
    }

    @Override
    public CompletionStage<Void> addCost(String workflowKey, long costMicros) {
        addCostNow(workflowKey, costMicros);
        return DONE;
    }

    /** The synchronous form of {@link #addCost}. */
    public void addCostNow(String workflowKey, long costMicros) {
        if (costMicros <= 0) {
            return;
        }
        Workflow wf = workflows.get(workflowKey);
        if (wf == null) {
            return;
        }
        synchronized (wf) {
            if (!wf.evicted && wf.calls > 0 && clock.millis() - wf.last < wf.idleTtlMillis) {
                wf.cost = saturatingAdd(wf.cost, costMicros);
            }
        }
    }

    private static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return sum < a ? Long.MAX_VALUE : sum;
    }

    /**
     * Removes expired workflows and the loop entries that left their window. Runs concurrently with checks; each
     * workflow is locked only while examined. Returns how many workflows were removed.
     */
    public int sweep() {
        long now = clock.millis();
        int removed = 0;
        for (Map.Entry<String, Workflow> entry : workflows.entrySet()) {
            Workflow wf = entry.getValue();
            synchronized (wf) {
                if (wf.evicted) {
                    continue;
                }
                if (wf.calls == 0 || now - wf.last >= wf.idleTtlMillis) {
                    wf.evicted = true;
                    workflows.remove(entry.getKey(), wf);
                    removed++;
                    continue;
                }
                for (Iterator<ArrayDeque<Long>> it = wf.loops.values().iterator(); it.hasNext(); ) {
                    ArrayDeque<Long> log = it.next();
                    expire(log, now - wf.loopWindowMillis);
                    if (log.isEmpty()) {
                        it.remove();
                    }
                }
            }
        }
        return removed;
    }

    /** How many workflows are held; for tests and metrics. */
    public int size() {
        return workflows.size();
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        workflows.clear();
    }

    /** One workflow's state; guarded by its own monitor. */
    private static final class Workflow {
        long first;
        long last;
        long calls;
        long cost;
        long idleTtlMillis = Long.MAX_VALUE;
        long loopWindowMillis;
        final HashMap<String, ArrayDeque<Long>> loops = new HashMap<>(4);
        boolean evicted;

        void reset() {
            first = 0;
            last = 0;
            calls = 0;
            cost = 0;
            loops.clear();
        }
    }
}
