package io.gatewaystack.audit.spool;

import io.gatewaystack.audit.AuditEvent;
import io.gatewaystack.audit.Seal;

/**
 * One record of the spool: an event or a seal, at a position ({@code pos}, from 1, contiguous across segments).
 *
 * @param pos  the spool position (sinks commit offsets in these)
 * @param type {@link #EVENT} or {@link #SEAL}
 * @param json the record as stored ({@link AuditEvent#toJson()} or {@link Seal#toJson()})
 */
public record SpoolEntry(long pos, byte type, String json) {
    public static final byte EVENT = 1;
    public static final byte SEAL = 2;

    public boolean isEvent() {
        return type == EVENT;
    }

    public AuditEvent event() {
        return AuditEvent.fromJson(json);
    }

    public Seal seal() {
        return Seal.fromJson(json);
    }
}
