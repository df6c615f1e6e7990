-- The workspace's security audit log (security/chain.ts): one hash chain, each entry carrying the
-- hash of the one before it. `seq` is the chain position (1, 2, 3 ...); as the primary key it can
-- never be taken twice, so concurrent appends cannot fork the chain.
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
-- Where verification starts once older entries were pruned (retention per plan): the position and
-- hash of the last pruned entry, and the day pruning last ran (at most once a day).
CREATE TABLE security_event_anchor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  pruned_on TEXT NOT NULL
);
