-- Sign-in throttling is counted in memory per client address, per account and per both (see the
-- web crate's `SignInThrottle`), never by locking the account row: a stored lock let anyone who knew a
-- staff email lock that person out. These columns were last written before that change.
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
