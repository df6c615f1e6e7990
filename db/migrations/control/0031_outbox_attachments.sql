-- Files a message in the outbox carries (an invoice's PDF): kept with the message, so a retry
-- sends the same bytes, and removed with it. The control database is encrypted at rest.
CREATE TABLE outbox_attachments (
  mail_id TEXT NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (mail_id, position)
);
