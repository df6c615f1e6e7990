-- Plugins' scheduled tasks (issue 15): one row per task of an enabled plugin in a workspace, kept
-- by the plugin lifecycle (install, enable, disable, upgrade, uninstall). The worker's chore reads
-- the due rows here, in the control database, so finding them never opens a tenant database; it
-- moves next_run_at forward with a conditional write before it enqueues the job, so two machines
-- never enqueue the same run twice.
CREATE TABLE plugin_tasks (
  tenant_id TEXT NOT NULL,
  plugin TEXT NOT NULL,
  task TEXT NOT NULL,
  every TEXT NOT NULL,
  next_run_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, plugin, task)
);
CREATE INDEX plugin_tasks_due ON plugin_tasks (next_run_at);
