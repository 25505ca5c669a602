-- Crypto-shredding (docs/layers/audit.md): with GATEWAYSTACK_AUDIT_DATA_KEY the event's sub is stored encrypted
-- under a per-user data key; the keys live here, wrapped under the master key, and erasing a user deletes theirs.
-- sub_key is the column copy of the key id inside identity.sub_enc (verify checks it like the other copies).
ALTER TABLE audit_events ADD COLUMN sub_key VARCHAR(64);

CREATE TABLE audit_subject_keys (
    key_id      VARCHAR(64)  NOT NULL PRIMARY KEY,
    subject_ref CHAR(64)     NOT NULL,
    wrapped_key VARCHAR(200) NOT NULL,
    created_ms  BIGINT       NOT NULL
);
CREATE INDEX audit_subject_keys_ref ON audit_subject_keys (subject_ref);

-- One row per erased user: a key created before the erasure that arrives later (from a spool) is not stored.
CREATE TABLE audit_erasures (
    subject_ref CHAR(64) NOT NULL PRIMARY KEY,
    erased_ms   BIGINT   NOT NULL
);
