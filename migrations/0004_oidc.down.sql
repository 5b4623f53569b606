-- Undoes 0004_oidc. Sessions of employees without a password account (SSO logins) cannot
-- reference accounts, so they end.
DELETE FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.nip = s.nip);
ALTER TABLE sessions DROP COLUMN method;
ALTER TABLE sessions DROP CONSTRAINT sessions_nip_fkey;
ALTER TABLE sessions ADD CONSTRAINT sessions_nip_fkey FOREIGN KEY (nip) REFERENCES accounts (nip);
