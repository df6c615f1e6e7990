-- Passkeys (WebAuthn credentials). A passkey belongs to the address (relying party ID, the host)
-- it was made on and to one workspace on it; sign-in looks it up by both, so a passkey of another
-- workspace or host never signs in here.
CREATE TABLE passkeys (
  id TEXT PRIMARY KEY,
  -- The authenticator's credential id, base64url.
  credential_id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  rp_id TEXT NOT NULL,
  -- COSE public key, base64url.
  public_key TEXT NOT NULL,
  -- The authenticator's signature counter: a use that does not raise it is refused (a clone).
  counter INTEGER NOT NULL DEFAULT 0,
  transports TEXT NOT NULL DEFAULT '[]',
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT
);
CREATE INDEX passkeys_user ON passkeys(user_id, tenant_id);

-- WebAuthn challenges, kept on the server: each is used once (deleted when checked) and lives a
-- few minutes. A registration challenge names its user; a sign-in challenge names no one.
CREATE TABLE webauthn_challenges (
  challenge TEXT PRIMARY KEY,
  purpose TEXT NOT NULL CHECK (purpose IN ('register', 'sign_in')),
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
  rp_id TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX webauthn_challenges_expiry ON webauthn_challenges(expires_at);
