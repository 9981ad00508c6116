-- Instants are INTEGER microseconds since the Unix epoch, UTC.
CREATE TABLE jurisdictions (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    contact TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);

CREATE TABLE holidays (
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions(id),
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (jurisdiction_id, day)
);

CREATE TABLE agencies (
    id INTEGER PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    handler TEXT NOT NULL DEFAULT '',
    UNIQUE (jurisdiction_id, code)
);

CREATE TABLE districts (
    id INTEGER PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL DEFAULT 'kecamatan',
    geometry TEXT NOT NULL,
    min_lat REAL NOT NULL,
    min_lon REAL NOT NULL,
    max_lat REAL NOT NULL,
    max_lon REAL NOT NULL,
    UNIQUE (jurisdiction_id, code)
);

CREATE TABLE services (
    id INTEGER PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    group_name TEXT NOT NULL DEFAULT '',
    keywords TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    agency_id INTEGER REFERENCES agencies(id),
    sla_tier TEXT NOT NULL,
    is_private BOOLEAN NOT NULL DEFAULT FALSE,
    is_staff BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    position INTEGER NOT NULL DEFAULT 0,
    attributes TEXT NOT NULL DEFAULT '[]',
    UNIQUE (jurisdiction_id, code)
);

CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions(id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL DEFAULT 'open311',
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    description TEXT NOT NULL,
    lat REAL,
    lon REAL,
    address TEXT,
    address_id TEXT,
    zipcode TEXT,
    district_id INTEGER REFERENCES districts(id),
    attributes TEXT NOT NULL DEFAULT '{}',
    reporter_email TEXT,
    reporter_first_name TEXT,
    reporter_last_name TEXT,
    reporter_phone TEXT,
    device_id TEXT,
    account_id TEXT,
    privacy TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    is_open BOOLEAN NOT NULL,
    archive_reason TEXT,
    agency_id INTEGER REFERENCES agencies(id),
    deadline_at INTEGER,
    status_notes TEXT,
    requested_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    duplicate_of INTEGER REFERENCES reports(id),
    escalation_level INTEGER NOT NULL DEFAULT 0,
    api_key_id INTEGER REFERENCES api_keys(id),
    client_key TEXT,
    follow_up_hash TEXT,
    rating INTEGER
);
CREATE INDEX reports_open_requested ON reports (jurisdiction_id, is_open, requested_at, id);
CREATE INDEX reports_requested ON reports (jurisdiction_id, requested_at, id);
CREATE UNIQUE INDEX reports_client_key ON reports (api_key_id, client_key) WHERE client_key IS NOT NULL;
CREATE INDEX reports_device ON reports (api_key_id, device_id, requested_at) WHERE device_id IS NOT NULL;

CREATE TABLE report_media (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    url TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'before',
    created_at INTEGER NOT NULL
);
CREATE INDEX report_media_report ON report_media (report_id);

CREATE TABLE report_events (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions(id),
    kind TEXT NOT NULL,
    status TEXT,
    note TEXT,
    is_public BOOLEAN NOT NULL,
    actor TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX report_events_report ON report_events (report_id, created_at);
CREATE INDEX report_events_time ON report_events (jurisdiction_id, created_at);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    dedupe_key TEXT UNIQUE,
    run_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER,
    last_error TEXT,
    dead_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE dead_at IS NULL;
