-- One row per workspace and business day whose daily notifications job was queued
-- (notifications/schedule.ts): the primary key makes the queueing happen once per tenant-day,
-- however many workers look at the same moment.
CREATE TABLE daily_notification_runs (
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  business_day TEXT NOT NULL,
  job_id TEXT NOT NULL,
  queued_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, business_day)
);
