-- The audit chain is sealed after the write: events are inserted without seq and hash, and a sealer
-- numbers and hashes them in order. Each event that changes a report records the report's state after
-- it, so the current rows can be checked against the trail.

-- The canonical form the event's hash covers (1: the event's fields; 2: the fields and its state).
ALTER TABLE report_events ADD COLUMN canon INTEGER NOT NULL DEFAULT 1;
-- JSON: the audited fields of the report after this event, when the event changed them.
ALTER TABLE report_events ADD COLUMN state TEXT;
CREATE INDEX report_events_unsealed ON report_events (jurisdiction_id, id) WHERE seq IS NULL;
