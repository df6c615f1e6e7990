-- An operator viewing a workspace as a read-only member (ops/impersonation.ts): who, why, until
-- when. The one-minute link from the console to the workspace's host and the cookie it sets there
-- are stored hashed.
CREATE TABLE ops_impersonations (
  id TEXT PRIMARY KEY,
  operator_user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  operator_email TEXT NOT NULL,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  reason TEXT NOT NULL,
  link_hash TEXT NOT NULL UNIQUE,
  link_expires_at TEXT NOT NULL,
  view_hash TEXT UNIQUE,
  started_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  ended_at TEXT
);
CREATE INDEX ops_impersonations_tenant ON ops_impersonations(tenant_id, started_at);
