-- Every new report's first event pointed at it through a foreign key, which made PostgreSQL look the
-- report up again and lock it (FOR KEY SHARE, a WAL record of its own) for each event written: one
-- more locked lookup per report and per change under load. Reports are never deleted, and
-- `laksana verify-audit` names every report whose events outlive its row ("no row").
-- SQLite keeps the key: there the check is an in-process lookup with no lock to write.
ALTER TABLE audit_events DROP CONSTRAINT IF EXISTS report_events_report_id_fkey;
ALTER TABLE audit_events DROP CONSTRAINT IF EXISTS audit_events_report_id_fkey;
