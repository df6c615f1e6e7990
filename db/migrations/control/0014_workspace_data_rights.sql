-- Tenant data rights (data_rights/): full exports of a workspace, the links that download them,
-- and a workspace's deletion with its grace period.

-- One export of a workspace: produced by a job, stored through storage/ in parts of a few MB
-- (keys <tenant>/<export>x<n>), downloadable for 7 days, then deleted.
CREATE TABLE workspace_exports (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  requested_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  -- 'owner': asked for in Settings or the API; 'final': made when deletion was requested.
  reason TEXT NOT NULL DEFAULT 'owner' CHECK (reason IN ('owner', 'final')),
  status TEXT NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'running', 'ready', 'failed', 'expired')),
  steps_done INTEGER NOT NULL DEFAULT 0,
  steps_total INTEGER NOT NULL DEFAULT 0,
  parts INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER,
  sha256 TEXT,
  error TEXT,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  expires_at TEXT
);
CREATE INDEX workspace_exports_tenant ON workspace_exports(tenant_id, created_at);

-- Download links of an export (the token is stored hashed; a link works for owners only).
CREATE TABLE workspace_export_links (
  token_hash TEXT PRIMARY KEY,
  export_id TEXT NOT NULL REFERENCES workspace_exports(id) ON DELETE CASCADE,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX workspace_export_links_export ON workspace_export_links(export_id);

-- A workspace its owner asked to delete: kept, usable and cancellable until purge_after; then
-- the purge removes its database, files and every control row (data_rights/purge.ts).
ALTER TABLE tenants ADD COLUMN purge_after TEXT;
CREATE TABLE workspace_deletions (
  tenant_id TEXT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  requested_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  requested_at TEXT NOT NULL,
  final_export_id TEXT
);
