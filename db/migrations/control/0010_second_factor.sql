-- Second factors (auth/totp.ts, auth/recovery_codes.ts), the pending sign-in that a second factor
-- completes (auth/second_factor.ts), a workspace's policy requiring one, sessions a user can list
-- and revoke, and one-time links that lift a throttled account's waits.

-- One authenticator app per user. The secret is sealed with AES-GCM under a key derived from the
-- server's SECOND_FACTOR_KEY (auth/secret_box.ts): the database alone does not give codes.
CREATE TABLE user_totp (
  user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  secret_sealed TEXT NOT NULL,
  -- NULL while enrolment waits for the first correct code; only a confirmed one is a factor.
  confirmed_at TEXT,
  -- The last accepted 30-second step: a code is accepted once, never replayed.
  last_step INTEGER,
  created_at TEXT NOT NULL
);

-- Ten single-use codes per user, stored as HMAC-SHA-256 under the same server key.
CREATE TABLE recovery_codes (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  used_at TEXT,
  PRIMARY KEY (user_id, code_hash)
);

-- A correct password of a user with a second factor: no session until a factor completes it.
CREATE TABLE pending_sign_ins (
  id_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  tenant_id TEXT REFERENCES tenants(id) ON DELETE CASCADE,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  completed_at TEXT
);
CREATE INDEX pending_sign_ins_user ON pending_sign_ins(user_id);

-- An owner may require a second factor of every member of the workspace.
ALTER TABLE tenants ADD COLUMN require_second_factor INTEGER NOT NULL DEFAULT 0;

-- Sessions are listed and revoked by a public id; the cookie's hash never leaves the server.
ALTER TABLE sessions ADD COLUMN public_id TEXT;
ALTER TABLE sessions ADD COLUMN last_used_at TEXT;
UPDATE sessions SET public_id = lower(hex(randomblob(16))), last_used_at = created_at;
CREATE UNIQUE INDEX sessions_public_id ON sessions(public_id);

-- A new purpose for mailed links, 'unlock' (lifts a throttled account's waits): SQLite cannot
-- change a CHECK constraint, so the table is rebuilt with its rows.
CREATE TABLE email_tokens_new (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('verify', 'reset', 'unlock')),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
INSERT INTO email_tokens_new SELECT token_hash, user_id, purpose, created_at, expires_at, used_at
  FROM email_tokens;
DROP TABLE email_tokens;
ALTER TABLE email_tokens_new RENAME TO email_tokens;
CREATE INDEX email_tokens_user ON email_tokens(user_id, purpose);
