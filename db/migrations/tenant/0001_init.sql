-- Tenant database: the company's own settings and the history of every change made in it.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  at TEXT NOT NULL,
  user_id TEXT,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT,
  changes TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id, at);
