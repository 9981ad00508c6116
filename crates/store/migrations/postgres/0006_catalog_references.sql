-- Every intake inserts reports that point at the same jurisdiction, and at a handful of services,
-- agencies and districts. A foreign key makes each inserted row look its parents up and lock them
-- (FOR KEY SHARE) before commit: five locked lookups per report on the busiest rows of the database,
-- a fifth of PostgreSQL's work per report under load. Catalog rows are never deleted (they are
-- deactivated), and `laksana verify-audit` lists any report whose catalog row has gone missing.
-- SQLite keeps its foreign keys: there the check is an in-process lookup with no lock to share.
ALTER TABLE reports DROP CONSTRAINT IF EXISTS reports_jurisdiction_id_fkey;
ALTER TABLE reports DROP CONSTRAINT IF EXISTS reports_service_id_fkey;
ALTER TABLE reports DROP CONSTRAINT IF EXISTS reports_agency_id_fkey;
ALTER TABLE reports DROP CONSTRAINT IF EXISTS reports_district_id_fkey;
ALTER TABLE reports DROP CONSTRAINT IF EXISTS reports_api_key_id_fkey;
