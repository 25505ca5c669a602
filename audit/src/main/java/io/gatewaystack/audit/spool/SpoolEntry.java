package io.gatewaystack.audit.spool;

import io.gatewaystack.audit.AuditEvent;
import io.gatewaystack.audit.Seal;

/**
 * One record of the spool: an event or a seal, at a position ({@code pos}, from 1, contiguous across segments).
 *
 * @param pos  the spool position (sinks commit offsets in these)
 * @param type {@link #EVENT}, {@link #SEAL} or {@link #KEY}
 * @param json the record as stored ({@link AuditEvent#toJson()} or {@link Seal#toJson()})
 * @param known the event itself when the writer still holds it (saves parsing {@code json} again), else null
 */
public record SpoolEntry(long pos, byte type, String json, AuditEvent known) {

    public SpoolEntry(long pos, byte type, String json) {
        this(pos, type, json, null);
    }

    /** The same entry with the event object attached. */
    public SpoolEntry withKnown(AuditEvent event) {
        return new SpoolEntry(pos, type, json, event);
    }

    public static final byte EVENT = 1;
    public static final byte SEAL = 2;
    /** A user's data key for crypto-shredding (only stores that can erase it take these). */
    public static final byte KEY = 3;

    public boolean isEvent() {
        return type == EVENT;
    }

    public AuditEvent event() {
        return known != null ? known : AuditEvent.fromJson(json);
    }

    public boolean isSeal() {
        return type == SEAL;
    }

    public boolean isKey() {
        return type == KEY;
    }

    public Seal seal() {
        return Seal.fromJson(json);
    }
}
