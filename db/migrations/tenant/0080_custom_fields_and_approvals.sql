-- Custom fields (issue 13): one JSON object per record, in a column of the record's own table.
-- Chosen over an EAV table (record, key, value) because every read that shows custom fields
-- (lists, pages, CSV, the API) already reads the record's row: the values come with it, with no
-- join per field and no pivot, and lists stay one SELECT built by SQLite (json_object). Filters
-- and sorts are json_extract() over rows the list scans anyway within one tenant's database
-- (thousands of rows); a field that grows hot can get an expression index on
-- json_extract(custom_fields, '$.key') without a schema change. A field removed from the
-- configuration keeps its key here until the tenant purges it (json_remove).
ALTER TABLE purchase_orders ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE sales_orders ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE loads ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE invoices ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE bills ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE payments ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE claims ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE suppliers ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE plants ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE customers ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE carriers ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE contacts ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE locations ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE products ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';

-- Approvals a rule asked for: the record waits (its status may not move on) while one is
-- pending or rejected. Decisions keep who and when; the record's history records them too.
CREATE TABLE approvals (
  id TEXT PRIMARY KEY,
  collection TEXT NOT NULL,
  record_id TEXT NOT NULL,
  rule_name TEXT NOT NULL,
  role TEXT NOT NULL,
  message TEXT NOT NULL,
  -- pending, approved, rejected
  status TEXT NOT NULL DEFAULT 'pending',
  requested_by TEXT,
  requested_at TEXT NOT NULL,
  decided_by TEXT,
  decided_by_name TEXT,
  decided_at TEXT,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX approvals_record ON approvals(collection, record_id, rule_name);
CREATE INDEX approvals_status ON approvals(status, requested_at);

-- What rules did to a record besides blocking: warnings, fields set, notices sent, jobs started.
-- Shown on the record's page so a rule's effect is always explained.
CREATE TABLE rule_activity (
  id TEXT PRIMARY KEY,
  collection TEXT NOT NULL,
  record_id TEXT NOT NULL,
  rule_name TEXT NOT NULL,
  action TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  at TEXT NOT NULL,
  user_id TEXT
);
CREATE INDEX rule_activity_record ON rule_activity(collection, record_id, at);
