-- Local login: password accounts, browser sessions, password-reset links and API tokens.
-- No column holds a usable secret: passwords are argon2id PHC strings, every token is stored
-- as the SHA-256 of its value, so a copy of the database lets nobody log in.

CREATE TABLE accounts (
    nip                  text PRIMARY KEY REFERENCES employees (nip),
    password_hash        text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    -- Consecutive failures since the last success; from the 5th on, each one locks the account
    -- (1 minute, doubling per further failure, at most 1 hour).
    failed_attempts      int  NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until         timestamptz,
    password_changed_at  timestamptz NOT NULL DEFAULT now(),
    created_at           timestamptz NOT NULL DEFAULT now()
);

-- One row per login. The cookie holds the random token; id is its SHA-256. The CSRF token is an
-- HMAC of the session token (see auth.CSRFToken), so it needs no column and cannot be derived
-- from this table.
CREATE TABLE sessions (
    id            bytea PRIMARY KEY CHECK (octet_length(id) = 32),
    nip           text NOT NULL REFERENCES accounts (nip),
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz
);
CREATE INDEX sessions_nip_idx ON sessions (nip) WHERE revoked_at IS NULL;

-- Single-use links sent by email. A reset also serves as activation: an employee in the org data
-- without an account gets one when the link is confirmed, so it references employees.
CREATE TABLE password_resets (
    token_hash  bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    nip         text NOT NULL REFERENCES employees (nip),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX password_resets_nip_idx ON password_resets (nip, created_at);

-- Tokens for integrations, owned by the employee who created them and acting as that employee.
CREATE TABLE api_tokens (
    id            bigserial PRIMARY KEY,
    nip           text NOT NULL REFERENCES employees (nip),
    name          text NOT NULL CHECK (name <> ''),
    token_hash    bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    scopes        text[] NOT NULL CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'write']::text[]),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX api_tokens_nip_idx ON api_tokens (nip);
