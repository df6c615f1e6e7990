-- Notifications (issue 17): what each member was told, read or not, and whether a daily digest
-- still owes it; each member's choice of channel per event. The dedupe key makes a repeated
-- event (a daily scan run twice, two processes hearing one change) land once per member.
CREATE TABLE notifications (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  event TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  link TEXT,
  entity TEXT,
  entity_id TEXT,
  dedupe_key TEXT,
  created_at TEXT NOT NULL,
  read_at TEXT,
  -- NULL: not for the digest; 'pending': the next digest carries it; 'sent'.
  digest TEXT
);
CREATE INDEX notifications_user ON notifications(user_id, created_at);
CREATE INDEX notifications_unread ON notifications(user_id, read_at);
CREATE INDEX notifications_digest ON notifications(digest, user_id);
CREATE UNIQUE INDEX notifications_dedupe ON notifications(user_id, dedupe_key)
  WHERE dedupe_key IS NOT NULL;

CREATE TABLE notification_preferences (
  user_id TEXT NOT NULL,
  event TEXT NOT NULL,
  -- in_app, email, digest
  channel TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  PRIMARY KEY (user_id, event, channel)
);

-- Activity on a record besides its field changes: notes (with @mentions), calls logged and
-- e-mails sent. Follow-ups due today come from calls' follow_up_on.
CREATE TABLE activity (
  id TEXT PRIMARY KEY,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  -- note, call, email
  kind TEXT NOT NULL,
  user_id TEXT,
  at TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  -- calls: who was called and the outcome; e-mails: the address and subject
  party TEXT,
  outcome TEXT,
  follow_up_on TEXT,
  follow_up_done_at TEXT,
  mentions TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX activity_entity ON activity(entity, entity_id, at);
CREATE INDEX activity_follow_up ON activity(follow_up_on) WHERE follow_up_on IS NOT NULL;

-- Live updates read what changed since a moment: the audit log and documents by time.
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX documents_updated ON documents(updated_at);
