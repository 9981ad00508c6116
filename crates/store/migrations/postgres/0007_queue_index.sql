-- The staff work queue lists a jurisdiction's open reports by deadline, nearest first, and pages on
-- (deadline_at, id). Open reports always carry a deadline; finished ones are not in this index.
CREATE INDEX reports_open_deadline ON reports (jurisdiction_id, deadline_at, id) WHERE is_open = TRUE;
