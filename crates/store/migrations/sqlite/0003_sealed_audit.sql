-- The audit trail becomes general and is sealed after the write.
--
-- report_events becomes audit_events: every official act is an event with a subject (a report, or an
-- account, a role grant, an API key, a jurisdiction's holidays, deadlines or webhooks). Acts that
-- concern no single jurisdiction are chained under jurisdiction_id '*', so the column no longer
-- references jurisdictions. Events are inserted without seq and hash; a sealer numbers and hashes
-- them in order. Each event that changes a report records the report's state after it, so the
-- current rows can be checked against the trail. SQLite cannot drop a NOT NULL or a foreign key in
-- place, hence the copy.

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    -- The chain the event belongs to: a jurisdiction, or '*' for acts on the deployment as a whole.
    jurisdiction_id TEXT NOT NULL,
    -- report, user, grant, api_key, holidays, deadlines or webhook.
    subject_kind TEXT NOT NULL DEFAULT 'report',
    -- The subject's id when it is not a report (reports use report_id).
    subject_id TEXT,
    report_id INTEGER REFERENCES reports(id),
    kind TEXT NOT NULL,
    status TEXT,
    note TEXT,
    is_public BOOLEAN NOT NULL,
    actor TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    data TEXT NOT NULL DEFAULT '{}',
    seq INTEGER,
    hash TEXT,
    -- The canonical form the hash covers (1: the event's fields; 2: with its subject and state).
    canon INTEGER NOT NULL DEFAULT 1,
    -- JSON: the audited fields of the report after this event, when the event changed them.
    state TEXT
);
INSERT INTO audit_events (id, jurisdiction_id, report_id, kind, status, note, is_public, actor, created_at, data, seq, hash)
    SELECT id, jurisdiction_id, report_id, kind, status, note, is_public, actor, created_at, data, seq, hash
    FROM report_events;
DROP TABLE report_events;
CREATE INDEX audit_events_report ON audit_events (report_id, created_at);
CREATE INDEX audit_events_time ON audit_events (jurisdiction_id, created_at);
CREATE UNIQUE INDEX audit_events_chain ON audit_events (jurisdiction_id, seq);
CREATE INDEX audit_events_unsealed ON audit_events (jurisdiction_id, id) WHERE seq IS NULL;
CREATE INDEX audit_events_activity ON audit_events (jurisdiction_id, id) WHERE subject_kind <> 'report';

CREATE TABLE audit_heads_v3 (
    jurisdiction_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_heads_v3 (jurisdiction_id, seq, hash) SELECT jurisdiction_id, seq, hash FROM audit_heads;
DROP TABLE audit_heads;
ALTER TABLE audit_heads_v3 RENAME TO audit_heads;
