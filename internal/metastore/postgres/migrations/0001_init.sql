-- Users of the dashboard and API. Passwords are bcrypt hashes. Emails are
-- unique whatever their case, as in the embedded store.
CREATE TABLE IF NOT EXISTS users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_admin      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS users_email_lower ON users (lower(email));

-- Projects are the tenants. Only the SHA-256 digest of the API key is kept;
-- the unique index is what ingest looks keys up by.
CREATE TABLE IF NOT EXISTS projects (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    owner_id    TEXT REFERENCES users(id) ON DELETE SET NULL,
    key_digest  BYTEA NOT NULL,
    key_hint    TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT projects_key_digest_len CHECK (octet_length(key_digest) = 32)
);
CREATE UNIQUE INDEX IF NOT EXISTS projects_key_digest ON projects (key_digest);
CREATE INDEX IF NOT EXISTS projects_owner ON projects (owner_id, created_at);
