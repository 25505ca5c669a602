-- GatewayStack audit trail, schema 1. The same SQL runs on SQLite and PostgreSQL.
-- event_json is the authoritative record (the hash chain covers it); the other columns are copies for
-- indexes and ad-hoc SQL, and `gatewaystack audit verify` checks that they still match event_json.
CREATE TABLE audit_events (
    event_id      VARCHAR(36)  NOT NULL PRIMARY KEY,
    chain         VARCHAR(128) NOT NULL,
    seq           BIGINT       NOT NULL,
    time_ms       BIGINT       NOT NULL,
    request_id    VARCHAR(200),
    sub           VARCHAR(500),
    org           VARCHAR(500),
    tenant        VARCHAR(500),
    route         VARCHAR(200),
    model         VARCHAR(500),
    tool          VARCHAR(500),
    decision      VARCHAR(8),
    status        INTEGER,
    error_code    VARCHAR(64),
    policy_rule   VARCHAR(500),
    input_tokens  BIGINT,
    output_tokens BIGINT,
    cost_micros   BIGINT,
    prev_hash     CHAR(64)     NOT NULL,
    hash          CHAR(64)     NOT NULL,
    event_json    TEXT         NOT NULL
);
CREATE UNIQUE INDEX audit_events_chain_seq ON audit_events (chain, seq);
CREATE INDEX audit_events_time ON audit_events (time_ms);

CREATE TABLE audit_seals (
    chain      VARCHAR(128) NOT NULL,
    seq        BIGINT       NOT NULL,
    head_hash  CHAR(64)     NOT NULL,
    time_ms    BIGINT       NOT NULL,
    key_id     VARCHAR(100),
    alg        VARCHAR(16)  NOT NULL,
    seal_json  TEXT         NOT NULL,
    PRIMARY KEY (chain, seq)
);
