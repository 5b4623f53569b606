-- One-time bootstrap tokens: while the organisation has no admin, the server prints a random token
-- at start and keeps only its SHA-256 here. Presented once (Authorization: Bootstrap <token> on
-- POST /api/org/import), it lets the first import in and names the first admin.
CREATE TABLE bootstrap_tokens (
    token_hash  bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
