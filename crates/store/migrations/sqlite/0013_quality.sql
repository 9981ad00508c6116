-- What the public performance figures are computed from, kept on each report as its history happens
-- so that a dashboard never replays events: when staff first acted on it, when it was last resolved,
-- both in working days since it was received (in the jurisdiction's calendar), and whether that
-- resolution was within its deadline.
ALTER TABLE reports ADD COLUMN first_response_at BIGINT;
ALTER TABLE reports ADD COLUMN response_days BIGINT;
ALTER TABLE reports ADD COLUMN resolved_at BIGINT;
ALTER TABLE reports ADD COLUMN resolution_days BIGINT;
ALTER TABLE reports ADD COLUMN resolved_on_time BOOLEAN;

-- Reports received before this version: the instants from their events; the working days are
-- counted by the server when it starts (it knows the calendars), and whether a resolution was on time
-- is known only while the report still waits for its reporter's confirmation.
UPDATE reports SET
    first_response_at = (
        SELECT MIN(e.created_at) FROM audit_events e
        WHERE e.report_id = reports.id AND e.kind = 'status' AND e.status NOT IN ('submitted', 'closed', 'reopened')
    ),
    resolved_at = (
        SELECT MAX(e.created_at) FROM audit_events e
        WHERE e.report_id = reports.id AND e.kind = 'status' AND e.status = 'resolved'
    )
WHERE status <> 'submitted' OR reopen_count > 0;
UPDATE reports SET resolved_on_time = (resolved_at <= resolution_due_at)
WHERE status = 'resolved' AND resolved_at IS NOT NULL AND resolution_due_at IS NOT NULL;

-- The community satisfaction survey (SKM): one row per respondent, answers u1–u9 on the 1–4 scale.
-- A response to an invitation names its report (one response per report); an open response names
-- none. The unit is the agency and, when known, the service; the respondent's profile is optional.
CREATE TABLE survey_responses (
    id INTEGER PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions(id),
    agency_id BIGINT REFERENCES agencies(id),
    service_id BIGINT REFERENCES services(id),
    report_id BIGINT UNIQUE REFERENCES reports(id),
    u1 BIGINT NOT NULL, u2 BIGINT NOT NULL, u3 BIGINT NOT NULL, u4 BIGINT NOT NULL, u5 BIGINT NOT NULL,
    u6 BIGINT NOT NULL, u7 BIGINT NOT NULL, u8 BIGINT NOT NULL, u9 BIGINT NOT NULL,
    age_band TEXT,
    sex TEXT,
    education TEXT,
    occupation TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX survey_responses_agency ON survey_responses (jurisdiction_id, agency_id, created_at);
CREATE INDEX survey_responses_service ON survey_responses (jurisdiction_id, service_id, created_at);

-- The IKM weights of a jurisdiction: a JSON array of nine numbers summing to 1; empty for 1/9 each.
ALTER TABLE jurisdictions ADD COLUMN ikm_weights TEXT NOT NULL DEFAULT '';

-- Service standards (the 14 components of the public service law), versioned per service: a new
-- decree is a new row, the newest version is the one in force, and every earlier one stays published.
CREATE TABLE service_standards (
    id INTEGER PRIMARY KEY,
    service_id BIGINT NOT NULL REFERENCES services(id),
    version BIGINT NOT NULL,
    decree_number TEXT NOT NULL,
    decree_date TEXT NOT NULL,
    components TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (service_id, version)
);

-- An agency's service pledge (maklumat pelayanan), shown on its services' pages with its complaint
-- handler (agencies.handler).
ALTER TABLE agencies ADD COLUMN maklumat TEXT NOT NULL DEFAULT '';

-- Compliance self-assessments: each recording of an agency's scores for a period is a row; the newest
-- per agency and period is the one that counts, the others are its history.
CREATE TABLE compliance_assessments (
    id INTEGER PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions(id),
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    period TEXT NOT NULL,
    scores TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    zone TEXT NOT NULL,
    actor TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX compliance_assessments_agency ON compliance_assessments (jurisdiction_id, period, agency_id, id);

-- The public figures read every report of a period: this index holds all they need, so that a count
-- over a million reports reads the index alone, not the reports' texts.
CREATE INDEX reports_stats ON reports (jurisdiction_id, requested_at, status, privacy, agency_id, district_id,
    service_id, response_days, resolution_days, resolved_on_time, reopen_count, rating, resolved_at);
