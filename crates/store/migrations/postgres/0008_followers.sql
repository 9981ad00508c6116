-- Citizens who found their problem already reported and chose to follow that report instead of
-- filing it again: they get its notices by email, and their number is counted on the report.
CREATE TABLE report_followers (
    report_id BIGINT NOT NULL REFERENCES reports(id),
    email TEXT NOT NULL,
    language TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (report_id, email)
);
