-- The operators' security audit log: events with no workspace (operator sign-ins, job retries).
-- The same shape as each tenant database's chain (tenant migration 0052, security/chain.ts).
CREATE TABLE security_events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  at TEXT NOT NULL,
  actor_user_id TEXT,
  actor_email TEXT,
  ip TEXT,
  user_agent TEXT,
  action TEXT NOT NULL,
  target TEXT,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX security_events_at ON security_events(at);
CREATE INDEX security_events_action ON security_events(action, seq);
CREATE TABLE security_event_anchor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  pruned_on TEXT NOT NULL
);
