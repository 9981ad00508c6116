-- Accounts, sessions, the lifecycle's clocks, the audit chain, webhooks.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    -- Lower-cased; the login name.
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    phone TEXT,
    -- argon2id PHC string; NULL until a password is set.
    password_hash TEXT,
    language TEXT NOT NULL DEFAULT 'id',
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER,
    disabled_at INTEGER,
    created_at INTEGER NOT NULL
);

CREATE TABLE role_grants (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,
    -- NULL: every jurisdiction (deployment-wide admin only).
    jurisdiction_id TEXT REFERENCES jurisdictions(id),
    agency_id INTEGER REFERENCES agencies(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX role_grants_user ON role_grants (user_id);
CREATE INDEX role_grants_scope ON role_grants (jurisdiction_id, role, agency_id);

CREATE TABLE sessions (
    -- SHA-256 of the cookie value; the value itself is never stored.
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Per-jurisdiction deadlines in working days (JSON; missing keys take the national default).
ALTER TABLE jurisdictions ADD COLUMN deadlines TEXT NOT NULL DEFAULT '{}';

ALTER TABLE api_keys ADD COLUMN user_id INTEGER REFERENCES users(id);

ALTER TABLE reports ADD COLUMN user_id INTEGER REFERENCES users(id);
ALTER TABLE reports ADD COLUMN reporter_language TEXT NOT NULL DEFAULT 'id';
-- Bumped by every change; a transition may name the version it expects.
ALTER TABLE reports ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
-- The running clock (verification, plan, resolution, info_reply, confirmation), its deadline is deadline_at.
ALTER TABLE reports ADD COLUMN clock TEXT;
ALTER TABLE reports ADD COLUMN clock_started_at INTEGER;
ALTER TABLE reports ADD COLUMN resolution_due_at INTEGER;
-- When the ticker must next look at this report, and how far along the clock's steps it is.
ALTER TABLE reports ADD COLUMN next_tick_at INTEGER;
ALTER TABLE reports ADD COLUMN tick_stage INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN reopen_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN closed_at INTEGER;
CREATE INDEX reports_tick ON reports (next_tick_at) WHERE next_tick_at IS NOT NULL;
CREATE INDEX reports_agency_open ON reports (agency_id, is_open, requested_at);
CREATE INDEX reports_user ON reports (user_id) WHERE user_id IS NOT NULL;
-- Serving a photo looks up its report's privacy.
CREATE INDEX report_media_url ON report_media (url);

-- Audit chain: seq numbers events per jurisdiction, hash = SHA-256(previous hash || canonical event).
ALTER TABLE report_events ADD COLUMN seq INTEGER;
ALTER TABLE report_events ADD COLUMN hash TEXT;
ALTER TABLE report_events ADD COLUMN data TEXT NOT NULL DEFAULT '{}';
CREATE UNIQUE INDEX report_events_chain ON report_events (jurisdiction_id, seq);

CREATE TABLE audit_heads (
    jurisdiction_id TEXT PRIMARY KEY REFERENCES jurisdictions(id),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions(id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    webhook_id INTEGER NOT NULL REFERENCES webhooks(id),
    event_id INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    status_code INTEGER,
    error TEXT,
    delivered_at INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, delivered_at);
