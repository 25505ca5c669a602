package io.gatewaystack.audit;

import io.gatewaystack.audit.store.AuditSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Re-checks a store: every event's hash, every link to the previous event, positions without gaps, the column
 * copies against the event JSON, and every seal (signature when a key is given, and that the chain still holds
 * the sealed head). Reports the first broken link.
 */
public final class AuditVerifier {

    /** What is wrong at a broken link. */
    public enum Problem {
        /** The event's content does not match its hash (or a column copy does not match the content). */
        MODIFIED,
        /** Positions are missing before this event. */
        DELETED,
        /** The event does not link to the one stored before it (reordered, or replaced wholesale). */
        REORDERED,
        /** A stored line or row cannot be read as an event. */
        UNREADABLE,
        /** A seal's signature is wrong. */
        SEAL_INVALID,
        /** A seal names a head the chain does not have (the chain was rewritten or cut after it). */
        SEAL_MISMATCH
    }

    /** The first broken link: the chain, the position, the event id when known, and what is wrong. */
    public record BrokenLink(String chain, long seq, String eventId, Problem problem, String detail) {
        @Override
        public String toString() {
            return problem + " at " + chain + " #" + seq + (eventId == null ? "" : " (event " + eventId + ")") + ": " + detail;
        }
    }

    /**
     * @param events       events checked
     * @param chains       chains found
     * @param seals        seals checked
     * @param sealsSigned  whether seal signatures were checked (a key was given)
     * @param firstBroken  null when everything verifies
     */
    public record Result(long events, int chains, int seals, boolean sealsSigned, BrokenLink firstBroken) {
        public boolean ok() {
            return firstBroken == null;
        }
    }

    private final byte[] sealKey;

    /** @param sealKey the HMAC key seals were made with, or null to check seals' heads but not their signatures */
    public AuditVerifier(byte[] sealKey) {
        this.sealKey = sealKey;
    }

    public Result verify(AuditSource source) throws Exception {
        Map<String, TreeMap<Long, Seal>> seals = new HashMap<>();
        int sealCount = 0;
        for (Seal s : source.seals()) {
            sealCount++;
            if (sealKey != null && !s.verify(sealKey)) {
                return new Result(0, 0, sealCount, true,
                        new BrokenLink(s.instance(), s.seq(), null, Problem.SEAL_INVALID, "the seal's signature does not verify"));
            }
            seals.computeIfAbsent(s.instance(), k -> new TreeMap<>()).put(s.seq(), s);
        }
        State st = new State();
        try {
            source.forEachRow(Long.MIN_VALUE, row -> {
                BrokenLink b = check(st, row, seals);
                if (b != null) {
                    st.broken = b;
                    throw new Stop();
                }
            });
        } catch (Stop stop) {
            return new Result(st.events, st.chains, sealCount, sealKey != null, st.broken);
        }
        // Seals past the end of a chain: its tail was deleted.
        for (Map.Entry<String, TreeMap<Long, Seal>> e : seals.entrySet()) {
            long last = st.lastSeq.getOrDefault(e.getKey(), 0L);
            Seal highest = e.getValue().lastEntry().getValue();
            if (highest.seq() > last) {
                return new Result(st.events, st.chains, sealCount, sealKey != null, new BrokenLink(e.getKey(), last + 1, null,
                        Problem.DELETED, "a seal covers position " + highest.seq() + " but the chain ends at " + last));
            }
        }
        return new Result(st.events, st.chains, sealCount, sealKey != null, null);
    }

    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }

    private static final class State {
        long events;
        int chains;
        String chain;
        long seq;
        String prevHash;
        final Map<String, Long> lastSeq = new HashMap<>();
        BrokenLink broken;
    }

    private static BrokenLink check(State st, AuditSource.Row row, Map<String, TreeMap<Long, Seal>> seals) {
        AuditEvent e;
        try {
            e = AuditEvent.fromJson(row.json());
        } catch (RuntimeException ex) {
            Object chain = row.columns() == null ? st.chain : row.columns().get("chain");
            Object seq = row.columns() == null ? st.seq + 1 : row.columns().get("seq");
            return new BrokenLink(String.valueOf(chain), ((Number) seq).longValue(), null, Problem.UNREADABLE, ex.getMessage());
        }
        st.events++;
        if (!Objects.equals(e.instance(), st.chain)) {
            if (st.chain != null) {
                st.lastSeq.put(st.chain, st.seq);
            }
            st.chains++;
            st.chain = e.instance();
            st.seq = 0;
            st.prevHash = AuditEvent.GENESIS;
        }
        String computed = e.computeHash();
        if (!computed.equals(e.hash()) || !computed.equals(row.hash())) {
            return new BrokenLink(e.instance(), e.seq(), e.eventId(), Problem.MODIFIED,
                    "content hashes to " + computed + " but the stored hash is " + row.hash());
        }
        if (row.columns() != null) {
            Map<String, Object> expected = new java.util.LinkedHashMap<>();
            expected.put("event_id", e.eventId());
            expected.put("chain", e.instance());
            expected.put("seq", e.seq());
            expected.putAll(io.gatewaystack.audit.store.JdbcAuditStoreColumns.of(e));
            for (Map.Entry<String, Object> c : expected.entrySet()) {
                if (!Objects.equals(str(c.getValue()), str(row.columns().get(c.getKey())))) {
                    return new BrokenLink(e.instance(), e.seq(), e.eventId(), Problem.MODIFIED,
                            "column " + c.getKey() + " is " + row.columns().get(c.getKey()) + " but the event says " + c.getValue());
                }
            }
        }
        if (e.seq() > st.seq + 1) {
            return new BrokenLink(e.instance(), st.seq + 1, null, Problem.DELETED,
                    "positions " + (st.seq + 1) + ".." + (e.seq() - 1) + " are missing before event " + e.eventId());
        }
        if (e.seq() <= st.seq) {
            return new BrokenLink(e.instance(), e.seq(), e.eventId(), Problem.REORDERED,
                    "position " + e.seq() + " appears after position " + st.seq);
        }
        if (!e.prevHash().equals(st.prevHash)) {
            return new BrokenLink(e.instance(), e.seq(), e.eventId(), Problem.REORDERED,
                    "prev_hash " + e.prevHash() + " does not match the hash of position " + st.seq + " (" + st.prevHash + ")");
        }
        TreeMap<Long, Seal> chainSeals = seals.get(e.instance());
        if (chainSeals != null) {
            Seal s = chainSeals.get(e.seq());
            if (s != null && !s.headHash().equals(e.hash())) {
                return new BrokenLink(e.instance(), e.seq(), e.eventId(), Problem.SEAL_MISMATCH,
                        "sealed head hash " + s.headHash() + " but the chain has " + e.hash());
            }
        }
        st.seq = e.seq();
        st.prevHash = e.hash();
        st.lastSeq.put(e.instance(), e.seq());
        return null;
    }

    private static String str(Object o) {
        return o == null ? null : o.toString().trim();
    }

    /** Convenience for callers holding a list of events (tests). */
    static List<AuditEvent> parseAll(List<String> lines) {
        return lines.stream().map(AuditEvent::fromJson).toList();
    }
}
