package io.gatewaystack.server.llm;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One circuit breaker per target (provider + model): after {@code failures} consecutive failures the target is
 * skipped for {@code openFor}, then one trial request decides whether it is back. Keeps a dead provider from
 * costing every request a timeout before failover.
 */
public final class TargetHealth {

    private final CircuitBreakerConfig config;
    /** keyed by the target itself: building its name per call showed in profiles */
    private final Map<LlmSettings.Target, CircuitBreaker> breakers = new ConcurrentHashMap<>();

    public TargetHealth(int failures, Duration openFor) {
        this.config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(failures)
                .minimumNumberOfCalls(failures)
                .failureRateThreshold(100) // all of the last N failed: "consecutive" failures
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(1)
                .build();
    }

    /** Whether the target may be tried now (an open breaker says no). */
    public boolean tryAcquire(LlmSettings.Target target) {
        return breaker(target).tryAcquirePermission();
    }

    public void succeeded(LlmSettings.Target target, long startNanos) {
        breaker(target).onSuccess(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    public void failed(LlmSettings.Target target, long startNanos, Throwable cause) {
        breaker(target).onError(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS, cause);
    }

    /** Gives back a permission that was acquired but not used (the attempt never ran). */
    public void release(LlmSettings.Target target) {
        breaker(target).releasePermission();
    }

    public String state(LlmSettings.Target target) {
        return breaker(target).getState().name();
    }

    /** Every breaker used so far (target → CLOSED, OPEN, HALF_OPEN...), for the admin console. */
    public Map<String, String> states() {
        Map<String, String> out = new java.util.TreeMap<>();
        breakers.forEach((target, b) -> out.put(b.getName(), b.getState().name()));
        return out;
    }

    private CircuitBreaker breaker(LlmSettings.Target target) {
        // one breaker per provider/model, whatever weight a route gives it
        LlmSettings.Target key = target.weight() == 1 ? target : new LlmSettings.Target(target.provider(), target.model());
        CircuitBreaker b = breakers.get(key);
        return b != null ? b : breakers.computeIfAbsent(key, t -> CircuitBreaker.of(t.toString(), config));
    }
}
