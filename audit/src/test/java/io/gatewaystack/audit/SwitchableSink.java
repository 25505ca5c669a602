package io.gatewaystack.audit;

import io.gatewaystack.audit.spool.SpoolEntry;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** A sink whose target can be swapped while the pipeline runs (down → up), keeping its name and offset. */
final class SwitchableSink implements AuditSink {
    final AtomicReference<AuditSink> target;
    private final String name;

    SwitchableSink(String name, AuditSink initial) {
        this.name = name;
        this.target = new AtomicReference<>(initial);
    }

    static AuditSink failing() {
        return new AuditSink() {
            @Override
            public String name() {
                return "failing";
            }

            @Override
            public void write(List<SpoolEntry> batch) throws Exception {
                throw new java.io.IOException("sink is down");
            }
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void write(List<SpoolEntry> batch) throws Exception {
        target.get().write(batch);
    }

    @Override
    public void close() {
        // the test owns the target
    }
}
