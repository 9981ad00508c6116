-- PostgreSQL drops the foreign keys from reports to the catalog in this version (each cost every
-- intake locked lookups of the same parent rows). SQLite keeps them: its check is an in-process
-- lookup with no lock to share. The version exists here so both backends number their schemas alike.
SELECT 1;
