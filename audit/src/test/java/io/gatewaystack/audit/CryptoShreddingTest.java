package io.gatewaystack.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.audit.privacy.SubjectCipher;
import io.gatewaystack.audit.spool.SpoolEntry;
import io.gatewaystack.audit.store.AuditSource;
import io.gatewaystack.audit.store.JdbcAuditStore;
import io.gatewaystack.audit.store.JsonLinesSink;
import io.gatewaystack.core.RequestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GDPR crypto-shredding: {@code sub} stored encrypted per user; erasing a user deletes their data keys, their
 * events stay (unreadable {@code sub}) and the hash chain and its seals still verify.
 */
class CryptoShreddingTest {

    static final byte[] DATA_KEY = "data-key-0123456789abcdef-0123456789".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void sqlite() throws Exception {
        try (JdbcAuditStore store = JdbcAuditStore.sqlite(dir.resolve("audit.db"))) {
            eraseAUserAndTheChainStillVerifies(store, dir);
        }
    }

    /** The whole scenario against one store (PostgresAuditTest runs it on PostgreSQL). */
    static void eraseAUserAndTheChainStillVerifies(JdbcAuditStore store, Path dir) throws Exception {
        List<RequestContext> load = AuditPipelineTest.mixedLoad(700);
        Map<String, Long> perUser = new TreeMap<>();
        for (RequestContext ctx : load) {
            perUser.merge(ctx.identity().subject(), 1L, Long::sum);
        }
        Path jsonl = dir.resolve("audit.jsonl");
        AuditConfig config = AuditConfig.defaults("gw-gdpr", dir.resolve("spool"))
                .withSealKey(AuditPipelineTest.KEY, "k1").withSealEvery(100, Duration.ofSeconds(1)).withDataKey(DATA_KEY);
        try (AuditPipeline p = new AuditPipeline(config, List.of(new SwitchableSink("store", store), JsonLinesSink.file(jsonl, 1L << 30)))) {
            load.forEach(ctx -> p.submit(AuditEvent.of(ctx)));
            assertThat(p.awaitDelivered(Duration.ofSeconds(30))).isTrue();
        }

        // Stored: no sub in clear, in the JSON or the column; each event's sub_enc names its key.
        List<AuditEvent> stored = new ArrayList<>();
        List<Object> subColumns = new ArrayList<>();
        store.forEachRow(0, row -> {
            stored.add(AuditEvent.fromJson(row.json()));
            subColumns.add(row.columns().get("sub"));
        });
        assertThat(stored).hasSize(700).allSatisfy(e -> {
            assertThat(e.identity().sub()).isNull();
            assertThat(e.identity().subEnc()).startsWith("v1.sk_");
        });
        assertThat(subColumns).containsOnlyNulls();

        // With the data key, reports see the users as before.
        store.withDataKey(DATA_KEY);
        UsageReport.Report before = UsageReport.compute(store, UsageReport.By.USER, 0);
        Map<String, Long> seen = new TreeMap<>();
        before.rows().forEach(r -> seen.put(r.key(), r.requests()));
        assertThat(seen).isEqualTo(perUser);

        // Erase u3.
        SubjectCipher cipher = new SubjectCipher(DATA_KEY);
        String u3 = cipher.subjectRef("u3");
        assertThat(store.countSubjectKeys(u3)).isEqualTo(1);
        long erasedAt = System.currentTimeMillis();
        assertThat(store.eraseSubject(u3, erasedAt)).isEqualTo(1);
        assertThat(store.countSubjectKeys(u3)).isZero();

        UsageReport.Report after = UsageReport.compute(store, UsageReport.By.USER, 0);
        assertThat(after.rows()).extracting(UsageReport.Row::key).doesNotContain("u3").contains(UsageReport.UNREADABLE, "u2");
        assertThat(after.rows().stream().filter(r -> r.key().equals(UsageReport.UNREADABLE)).findFirst().orElseThrow().requests())
                .isEqualTo(perUser.get("u3"));
        assertThat(after.total()).isEqualTo(before.total()); // the events are all still there
        assertThat(store.reveal(stored.getFirst()).identity().sub()).isNotNull().isNotEqualTo("u3").startsWith("u");

        // The chain and its seals still verify: erasure deleted keys, not events.
        AuditVerifier.Result r = new AuditVerifier(AuditPipelineTest.KEY).verify(store);
        assertThat(r.ok()).as(String.valueOf(r.firstBroken())).isTrue();
        assertThat(r.events()).isEqualTo(700);
        assertThat(r.sealsSigned()).isTrue();

        // A key of u3's created before the erasure that arrives later (a spool elsewhere) is not stored; a new key
        // after the erasure (u3 came back) is.
        AuditEvent fresh = AuditEvent.of(AuditPipelineTest.mixedLoad(1).getFirst());
        AuditEvent asU3 = fresh.withIdentity(fresh.identity().revealed("u3"));
        String late = cipher.protect(asU3, erasedAt - 1_000).newKeyRecord();
        store.write(List.of(new SpoolEntry(1, SpoolEntry.KEY, late)));
        assertThat(store.countSubjectKeys(u3)).isZero();
        String returning = new SubjectCipher(DATA_KEY).protect(asU3, erasedAt + 1_000).newKeyRecord();
        store.write(List.of(new SpoolEntry(2, SpoolEntry.KEY, returning)));
        assertThat(store.countSubjectKeys(u3)).isEqualTo(1);

        // A reader without the data key sees no user at all.
        store.withDataKey(null);
        assertThat(UsageReport.compute(store, UsageReport.By.USER, 0).rows()).extracting(UsageReport.Row::key)
                .containsExactly(UsageReport.UNREADABLE);

        // Data keys never leave for sinks that cannot erase them: the JSON-lines copy has none, and verifies.
        assertThat(Files.readString(jsonl)).doesNotContain("subject_key").doesNotContain("wrapped_key");
        try (AuditSource file = AuditSource.open(jsonl.toString())) {
            assertThat(new AuditVerifier(AuditPipelineTest.KEY).verify(file).ok()).isTrue();
        }
    }

    @Test
    void ciphertextsAreBoundToTheirEventAndKey() {
        SubjectCipher c = new SubjectCipher(DATA_KEY);
        AuditEvent e = AuditEvent.of(AuditPipelineTest.mixedLoad(1).getFirst());
        SubjectCipher.Protected p = c.protect(e, 1_000);
        SubjectCipher.KeyRecord k = SubjectCipher.KeyRecord.fromJson(p.newKeyRecord());
        javax.crypto.SecretKey dek = c.unwrap(k.keyId(), k.wrappedKey());
        assertThat(SubjectCipher.open(p.event().identity().subEnc(), e.eventId(), dek)).isEqualTo(e.identity().sub());
        assertThat(SubjectCipher.open(p.event().identity().subEnc(), "another-event", dek)).isNull();
        assertThat(new SubjectCipher("another-master-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII))
                .unwrap(k.keyId(), k.wrappedKey())).isNull();
        assertThat(c.protect(e, 2_000).newKeyRecord()).as("same user, same day: same key").isNull();
        assertThat(c.protect(e, 1_000 + Duration.ofHours(24).toMillis()).newKeyRecord()).as("rotated").isNotNull();
        assertThat(k.subjectRef()).isEqualTo(c.subjectRef(e.identity().sub())).doesNotContain(e.identity().sub());
    }
}
