package io.gatewaystack.audit.store;

import io.gatewaystack.audit.AuditSink;
import io.gatewaystack.audit.spool.SpoolEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Audit records as JSON lines: one event or seal per line, to stdout or to a file rotated by size
 * ({@code audit.jsonl} → {@code audit.jsonl.<epoch millis>}).
 *
 * <p>Delivery to a file is at least once: a crash between the write and the spool offset commit writes the batch
 * again after restart (the verifier then reports the duplicate position). Use a store for exactly once.
 */
public final class JsonLinesSink implements AuditSink {

    private final String name;
    private final Path file;
    private final long rotateBytes;
    private OutputStream out;
    private long size;

    private JsonLinesSink(String name, Path file, OutputStream out, long rotateBytes) {
        this.name = name;
        this.file = file;
        this.out = out;
        this.rotateBytes = rotateBytes;
    }

    /** Lines to standard output (not closed on close). */
    public static JsonLinesSink stdout() {
        return new JsonLinesSink("stdout", null, new java.io.FilterOutputStream(System.out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        }, Long.MAX_VALUE);
    }

    /** Lines appended to a file, rotated past {@code rotateBytes}. */
    public static JsonLinesSink file(Path file, long rotateBytes) {
        JsonLinesSink s = new JsonLinesSink("file-" + file.getFileName(), file, null, rotateBytes);
        s.openFile();
        return s;
    }

    private void openFile() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void write(List<SpoolEntry> batch) throws IOException {
        StringBuilder sb = new StringBuilder(batch.size() * 800);
        for (SpoolEntry e : batch) {
            if (!e.isKey()) { // data keys only go where they can be erased (the SQL store's key table)
                sb.append(e.json()).append('\n');
            }
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        if (file != null && size > 0 && size + bytes.length > rotateBytes) {
            out.close();
            Files.move(file, file.resolveSibling(file.getFileName() + "." + System.currentTimeMillis()), StandardCopyOption.ATOMIC_MOVE);
            openFile();
        }
        out.write(bytes);
        out.flush();
        size += bytes.length;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // nothing to report to
        }
    }
}
