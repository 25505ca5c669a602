package io.gatewaystack.limits.store;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand. */
public final class TestClock implements InstantSource {
    private final AtomicLong millis;

    public TestClock(long startMillis) {
        this.millis = new AtomicLong(startMillis);
    }

    public void set(long value) {
        millis.set(value);
    }

    public void advance(long delta) {
        millis.addAndGet(delta);
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }
}
