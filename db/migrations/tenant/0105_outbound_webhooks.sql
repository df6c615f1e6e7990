-- Outbound webhooks (integrations/webhooks/): endpoints a workspace subscribes to its events, each
-- event once with the exact body every endpoint is sent, a delivery per endpoint and event, and
-- every attempt with its answer (the delivery log).
CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  -- JSON array of event types, or ["*"] for every event.
  events TEXT NOT NULL,
  -- The Standard Webhooks signing secret ("whsec_" + base64). The database is encrypted at rest.
  secret TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  -- Why it was turned off: by a person, or automatically after repeated failures.
  disabled_reason TEXT,
  -- Failed attempts in a row since the last success; reaching the limit disables the endpoint.
  failure_streak INTEGER NOT NULL DEFAULT 0,
  created_by TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE webhook_events (
  -- The webhook-id header: receivers drop a repeat by it (delivery is at least once).
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  -- The exact JSON body sent, signed as it stands.
  payload TEXT NOT NULL,
  -- The same fact heard twice (two processes, a rerun scan) makes one event.
  dedupe_key TEXT UNIQUE,
  created_at TEXT NOT NULL
);
CREATE INDEX webhook_events_created ON webhook_events(created_at);

CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL REFERENCES webhook_events(id) ON DELETE CASCADE,
  endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'skipped')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  last_status INTEGER,
  last_error TEXT,
  delivered_at TEXT,
  -- A manual replay names the delivery it repeats.
  replay_of TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, created_at);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries(status, next_attempt_at);

CREATE TABLE webhook_attempts (
  id TEXT PRIMARY KEY,
  delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  at TEXT NOT NULL,
  -- The HTTP status the endpoint answered; null when it could not be reached.
  status INTEGER,
  error TEXT,
  duration_ms INTEGER NOT NULL,
  -- The first 500 characters of the answer, for the log.
  response_excerpt TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id, attempt);
