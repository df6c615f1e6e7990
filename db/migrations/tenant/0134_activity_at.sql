-- The live-update feeds read notes, calls and e-mails by time (notifications/changes_since.ts:
-- `WHERE at > ? ORDER BY at`, and `max(at)` for a new stream's starting point), once a second per
-- workspace someone is watching. Without an index on `at` each read scanned the whole table.
CREATE INDEX activity_at ON activity(at);
