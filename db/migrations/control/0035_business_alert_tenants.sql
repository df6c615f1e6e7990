-- The workspaces that have business alert rules (ops/business_alerts.ts), so the worker's
-- schedule queues an evaluation for these only instead of opening every workspace's database.
-- `queued_slot` is the last quarter-hour an evaluation was queued for (one per slot).
CREATE TABLE business_alert_tenants (
  tenant_id TEXT PRIMARY KEY,
  queued_slot TEXT
);
