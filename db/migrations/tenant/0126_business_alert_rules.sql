-- A workspace's own alert rules on its business figures (ops/business_alerts.ts): a figure, the
-- threshold above which it fires, and the channel that hears about it (e-mail, the workspace's
-- webhook signed with `secret`, or a Slack-compatible incoming webhook). `firing_since` and
-- `last_value` are the rule's state: only a change (firing, resolved) is sent.
CREATE TABLE business_alert_rules (
  id TEXT PRIMARY KEY,
  metric TEXT NOT NULL,
  threshold INTEGER NOT NULL,
  channel TEXT NOT NULL,
  target TEXT NOT NULL,
  secret TEXT,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_by TEXT,
  created_at TEXT NOT NULL,
  firing_since TEXT,
  last_value INTEGER,
  last_checked_at TEXT
);
