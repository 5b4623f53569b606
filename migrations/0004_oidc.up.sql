-- Optional OIDC single sign-on (api/oidc.go). The provider proves the NIP, so an employee in the
-- org data may log in without ever having had a password account: sessions now reference
-- employees rather than accounts, and record how they began. Nothing of the login in flight is
-- stored: state, nonce and PKCE verifier are derived from a short-lived cookie (api/oidc.go).

ALTER TABLE sessions DROP CONSTRAINT sessions_nip_fkey;
ALTER TABLE sessions ADD CONSTRAINT sessions_nip_fkey FOREIGN KEY (nip) REFERENCES employees (nip);
ALTER TABLE sessions ADD COLUMN method text NOT NULL DEFAULT 'password'
    CHECK (method IN ('password', 'oidc'));
