-- Each workspace's release channel (ops/release_channels.ts): stable (the default, no row),
-- early access, or pinned to a release for a workspace that needs time before changes reach it.
CREATE TABLE tenant_release_channels (
  tenant_id TEXT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  channel TEXT NOT NULL CHECK (channel IN ('stable', 'early', 'pinned')),
  pinned_release TEXT,
  updated_at TEXT NOT NULL,
  updated_by TEXT
);
