-- What an admin sets beyond the first catalog: a service's name in English and the privacy its form
-- starts with, and whether an agency still takes new reports (agencies are never deleted: reports
-- point to them).
ALTER TABLE services ADD COLUMN name_en TEXT NOT NULL DEFAULT '';
ALTER TABLE services ADD COLUMN default_privacy TEXT NOT NULL DEFAULT 'publik';
ALTER TABLE agencies ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;
