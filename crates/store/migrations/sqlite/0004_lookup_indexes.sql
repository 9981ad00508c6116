-- Two lookups that scanned whole tables at a city's scale.
--
-- Notices about a report also go to the reporters of its duplicates, found by duplicate_of: without
-- an index each such notice read every report (about 350 ms on 1,000,000 reports), so a backlog of
-- notices could never drain. Few reports are duplicates, hence a partial index.
CREATE INDEX reports_duplicate_of ON reports (duplicate_of) WHERE duplicate_of IS NOT NULL;

-- The worker claims the oldest due jobs in (run_at, id) order; with run_at alone the database sorted
-- every due job to pick a handful.
DROP INDEX jobs_due;
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE dead_at IS NULL;
