-- Single sign-on through a workspace's OpenID Connect identity provider (auth/sso.ts). One
-- connection per workspace; the client secret is write-only in the app (never shown back).
CREATE TABLE sso_connections (
  tenant_id TEXT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  issuer TEXT NOT NULL,
  client_id TEXT NOT NULL,
  client_secret TEXT NOT NULL,
  -- JSON array of lower-case e-mail domains whose verified addresses may sign in.
  allowed_domains TEXT NOT NULL,
  -- The role a person signing in for the first time gets (never owner).
  default_role TEXT NOT NULL CHECK (default_role IN ('admin', 'broker', 'accounting', 'viewer')),
  -- 1: everyone but owners must sign in through the identity provider.
  require_sso INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- A sign-in on its way through the identity provider: the browser holds a random handle in a
-- cookie; state, nonce and the PKCE verifier stay here. Used once, lives ten minutes.
CREATE TABLE sso_sign_ins (
  handle_hash TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  state TEXT NOT NULL,
  nonce TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  next_path TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sso_sign_ins_expiry ON sso_sign_ins(expires_at);

-- How a session was signed in: NULL for a password (with a second step when the user has one),
-- 'passkey' (both factors at once) or 'sso' (the identity provider's sign-in). A workspace that
-- requires a second factor accepts the last two without an authenticator app (auth/middleware.ts).
ALTER TABLE sessions ADD COLUMN sign_in_method TEXT;
