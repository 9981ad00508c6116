-- How a jurisdiction presents itself: the text that tells Open311 clients how to get a key (the
-- discovery document's key_service), and its logo (a photo stored like every upload, /media/NAME).
ALTER TABLE jurisdictions ADD COLUMN key_service TEXT NOT NULL DEFAULT '';
ALTER TABLE jurisdictions ADD COLUMN logo TEXT NOT NULL DEFAULT '';
