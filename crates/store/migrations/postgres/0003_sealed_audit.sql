-- The audit trail becomes general and is sealed after the write.
--
-- report_events becomes audit_events: every official act is an event with a subject (a report, or an
-- account, a role grant, an API key, a jurisdiction's holidays, deadlines or webhooks). Acts that
-- concern no single jurisdiction are chained under jurisdiction_id '*', so the column no longer
-- references jurisdictions. Events are inserted without seq and hash; a sealer numbers and hashes
-- them in order. Each event that changes a report records the report's state after it, so the
-- current rows can be checked against the trail.

ALTER TABLE report_events RENAME TO audit_events;
ALTER TABLE audit_events ALTER COLUMN report_id DROP NOT NULL;
ALTER TABLE audit_events DROP CONSTRAINT IF EXISTS report_events_jurisdiction_id_fkey;
-- report, user, grant, api_key, holidays, deadlines or webhook.
ALTER TABLE audit_events ADD COLUMN subject_kind TEXT NOT NULL DEFAULT 'report';
-- The subject's id when it is not a report (reports use report_id).
ALTER TABLE audit_events ADD COLUMN subject_id TEXT;
-- The canonical form the hash covers (1: the event's fields; 2: with its subject and state).
ALTER TABLE audit_events ADD COLUMN canon BIGINT NOT NULL DEFAULT 1;
-- JSON: the audited fields of the report after this event, when the event changed them.
ALTER TABLE audit_events ADD COLUMN state TEXT;
ALTER INDEX report_events_report RENAME TO audit_events_report;
ALTER INDEX report_events_time RENAME TO audit_events_time;
ALTER INDEX report_events_chain RENAME TO audit_events_chain;
CREATE INDEX audit_events_unsealed ON audit_events (jurisdiction_id, id) WHERE seq IS NULL;
CREATE INDEX audit_events_activity ON audit_events (jurisdiction_id, id) WHERE subject_kind <> 'report';

ALTER TABLE audit_heads DROP CONSTRAINT IF EXISTS audit_heads_jurisdiction_id_fkey;
