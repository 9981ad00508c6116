-- The staff queue counts a jurisdiction's (or an agency's) open reports per status, and lists one
-- status by deadline: both from this index alone, without reading the reports (a city has hundreds of
-- thousands open at a million reports).
CREATE INDEX reports_open_status ON reports (jurisdiction_id, status, deadline_at, id, agency_id) WHERE is_open = TRUE;
