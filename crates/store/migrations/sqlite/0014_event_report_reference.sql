-- PostgreSQL drops the foreign key from audit events to reports in this version (each event written
-- cost a locked lookup of its report). SQLite keeps it: its check is an in-process lookup with no lock
-- to write. The version exists here so both backends number their schemas alike.
SELECT 1;
