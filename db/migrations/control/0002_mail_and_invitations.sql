-- Outbox delivery is retried with backoff; a lease stops the inline attempt and the worker from
-- sending the same message twice.
ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;
ALTER TABLE outbox ADD COLUMN lease_until TEXT;

-- Who accepted an invitation: acceptance writes the membership in the same batch, keyed on it.
ALTER TABLE invitations ADD COLUMN accepted_by TEXT REFERENCES users(id) ON DELETE SET NULL;

CREATE INDEX email_tokens_user ON email_tokens(user_id, purpose);
CREATE INDEX invitations_pending ON invitations(tenant_id, email);
