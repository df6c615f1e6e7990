-- Operators' alerting (ops/alerts.ts): requests counted per workspace per minute by every app
-- machine, the detectors' state per series, rules, channels, silences, alerts and their
-- notifications.

-- Each app process adds its counts of the last minute here (ops/request_tally.ts); the evaluator
-- reads 5-minute buckets. Rows older than 2 days are deleted by the evaluator.
CREATE TABLE ops_request_tally (
  minute TEXT NOT NULL,
  -- The workspace's slug; '' for the bare domain and health checks.
  tenant TEXT NOT NULL,
  requests INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  latency_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (minute, tenant)
);

-- State of one anomaly detector (ops/anomaly.ts) per rule and series, as JSON; and the newest
-- 5-minute bucket evaluated (series '_cursor'), claimed with a compare-and-set.
CREATE TABLE ops_detectors (
  rule_id TEXT NOT NULL,
  series TEXT NOT NULL,
  state TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (rule_id, series)
);

CREATE TABLE ops_alert_rules (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('threshold', 'anomaly')),
  signal TEXT NOT NULL,
  scope TEXT NOT NULL CHECK (scope IN ('tenant', 'service')),
  -- Threshold rules: the value that fires (above), and the events a sample needs to count.
  threshold REAL,
  min_events INTEGER NOT NULL DEFAULT 0,
  severity TEXT NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE ops_alert_channels (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('email', 'webhook', 'slack', 'pagerduty')),
  -- An address, a URL, or a PagerDuty routing key.
  target TEXT NOT NULL,
  -- HMAC key of the generic webhook's signature; PagerDuty's events URL when not the default.
  secret TEXT,
  min_severity TEXT NOT NULL DEFAULT 'warning' CHECK (min_severity IN ('critical', 'warning', 'info')),
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);

-- One alert per episode: fingerprint = rule + series. While it fires, evaluations update it
-- instead of creating another (deduplication); a later episode is a new row.
CREATE TABLE ops_alerts (
  id TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  tenant_id TEXT,
  tenant_slug TEXT,
  signal TEXT NOT NULL,
  severity TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('firing', 'resolved')),
  summary TEXT NOT NULL,
  value REAL,
  expected REAL,
  started_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  resolved_at TEXT
);
CREATE UNIQUE INDEX ops_alerts_one_firing ON ops_alerts(fingerprint) WHERE status = 'firing';
CREATE INDEX ops_alerts_started ON ops_alerts(started_at);

-- Silences: notifications of alerts matching the rule and/or workspace are held until `until`.
CREATE TABLE ops_silences (
  id TEXT PRIMARY KEY,
  rule_id TEXT,
  tenant_slug TEXT,
  until TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_by TEXT,
  created_at TEXT NOT NULL
);

-- One row per alert, channel and event: the primary key is the deduplication of notifications.
CREATE TABLE ops_alert_notifications (
  alert_id TEXT NOT NULL REFERENCES ops_alerts(id) ON DELETE CASCADE,
  channel_id TEXT NOT NULL REFERENCES ops_alert_channels(id) ON DELETE CASCADE,
  event TEXT NOT NULL CHECK (event IN ('firing', 'resolved')),
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'silenced')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT,
  PRIMARY KEY (alert_id, channel_id, event)
);

-- The rules an installation starts with; operators disable or add rules in the console.
INSERT INTO ops_alert_rules (id, name, kind, signal, scope, threshold, min_events, severity,
  enabled, created_at, updated_at) VALUES
  ('rule-tenant-error-rate', 'Workspace error rate above 20%', 'threshold', 'error_rate', 'tenant',
    0.2, 20, 'critical', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ('rule-service-error-rate', 'Service error rate above 5%', 'threshold', 'error_rate', 'service',
    0.05, 50, 'critical', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ('rule-tenant-error-anomaly', 'Workspace error rate unusual', 'anomaly', 'error_rate', 'tenant',
    NULL, 20, 'warning', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ('rule-tenant-latency-anomaly', 'Workspace latency unusual', 'anomaly', 'latency', 'tenant',
    NULL, 20, 'warning', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ('rule-tenant-job-failures', 'Workspace job failures unusual', 'anomaly', 'job_failures', 'tenant',
    NULL, 0, 'warning', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  ('rule-tenant-exports', 'Workspace exporting unusually much', 'anomaly', 'exports', 'tenant',
    NULL, 0, 'info', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
