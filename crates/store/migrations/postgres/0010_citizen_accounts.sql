-- Citizens may open an account themselves: it signs in only once its email address is confirmed
-- through an emailed link. Accounts made by an administrator (staff) count as confirmed.
ALTER TABLE users ADD COLUMN email_confirmed_at BIGINT;
UPDATE users SET email_confirmed_at = created_at;

-- Secrets the deployment makes for itself on first use and every instance shares, such as the key
-- that signs the links in emails.
CREATE TABLE deployment_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
