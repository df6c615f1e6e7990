-- Mail sent about a record from the flows of issue 17 (an invoice sent, a rate confirmation, a
-- statement or a dunning reminder): who it went to, what it carried, and the outbox message that
-- carries it. Shown on the record's page; the message itself stays in the outbox.
CREATE TABLE record_mail (
  id TEXT PRIMARY KEY,
  collection TEXT NOT NULL,
  record_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  to_addr TEXT NOT NULL,
  subject TEXT NOT NULL,
  mail_id TEXT,
  attachment TEXT,
  attachment_sha256 TEXT,
  sent_at TEXT NOT NULL,
  sent_by TEXT
);
CREATE INDEX record_mail_record ON record_mail(collection, record_id, sent_at);
