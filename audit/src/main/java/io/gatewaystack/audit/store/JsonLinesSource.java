package io.gatewaystack.audit.store;

import io.gatewaystack.audit.AuditEvent;
import io.gatewaystack.audit.Seal;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a JSON-lines audit file written by {@link JsonLinesSink}: event lines and seal lines, in file order. */
public final class JsonLinesSource implements AuditSource {

    private final Path file;

    public JsonLinesSource(Path file) {
        this.file = file;
    }

    @Override
    public void forEachRow(long sinceMillis, RowConsumer consumer) throws Exception {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("{\"type\":\"seal\"")) {
                    continue;
                }
                String hash = null;
                long time = Long.MAX_VALUE;
                try {
                    AuditEvent e = AuditEvent.fromJson(line);
                    hash = e.hash();
                    time = e.time();
                } catch (RuntimeException unparsable) {
                    // handed to the consumer as is: the verifier reports it
                }
                if (time >= sinceMillis) {
                    consumer.accept(new Row(line, hash, null));
                }
            }
        }
    }

    @Override
    public List<Seal> seals() throws Exception {
        List<Seal> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("{\"type\":\"seal\"")) {
                    out.add(Seal.fromJson(line));
                }
            }
        }
        return out;
    }

    @Override
    public String describe() {
        return file.toString();
    }
}
