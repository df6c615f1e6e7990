-- Business facts told to a plugin's hook (plugins/host/overdue.ts): one row per plugin and fact
-- (`invoice.overdue:<invoice id>:<due date>`), written before the hook is called, so that a fact
-- is told at most once however often the daily job runs.
CREATE TABLE plugin_events_told (
  plugin TEXT NOT NULL,
  event_key TEXT NOT NULL,
  told_at TEXT NOT NULL,
  PRIMARY KEY (plugin, event_key)
);
