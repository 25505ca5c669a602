package io.gatewaystack.audit;

import io.gatewaystack.audit.spool.SpoolEntry;
import java.util.List;

/**
 * Where audit records go after the spool: a store, a file, a SIEM. Each sink reads the spool at its own pace
 * from its own committed offset, so one slow or broken sink never holds back another.
 *
 * <p>{@link #write} receives records in spool order and must be idempotent (the same batch can be delivered
 * again after a crash between the write and the offset commit): stores insert by event id and ignore
 * duplicates. It throws to say "not delivered, retry this batch later".
 */
public interface AuditSink extends AutoCloseable {

    /** A stable name: the sink's committed offset is kept under it. */
    String name();

    void write(List<SpoolEntry> batch) throws Exception;

    @Override
    default void close() {
    }
}
