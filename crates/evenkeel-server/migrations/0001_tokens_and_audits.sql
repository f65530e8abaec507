-- API tokens, stored as SHA-256 hashes: the token itself is shown once, when it is created.
CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- Audits run by the server: one row from the moment the upload is complete.
CREATE TABLE audits (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    file_name TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    finished_at BIGINT,
    bytes_read BIGINT NOT NULL,
    bytes_total BIGINT NOT NULL,
    conversations BIGINT NOT NULL,
    agent_turns BIGINT NOT NULL,
    error TEXT,
    summary TEXT,
    report TEXT
);

CREATE INDEX audits_owner ON audits (owner, created_at);
