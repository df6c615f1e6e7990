-- The customer invoice portal (portal/): the key that signs its links, the tenant's own Stripe
-- account for card and ACH payments, the Stripe events already applied, and disputed lines.

-- One row per portal key version; only the newest signs and verifies, so adding a version (a
-- rotation) invalidates every link issued before it. The database is encrypted at rest.
CREATE TABLE portal_keys (
  version INTEGER PRIMARY KEY,
  secret TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- One row: how long links last, and the tenant's Stripe keys sealed with its data key (AES-GCM,
-- `v<data key version>.<nonce>.<ciphertext>`); only the last four characters are ever shown.
CREATE TABLE portal_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  link_days INTEGER NOT NULL DEFAULT 60,
  stripe_secret_sealed TEXT,
  stripe_secret_last4 TEXT,
  webhook_secret_sealed TEXT,
  webhook_secret_last4 TEXT,
  updated_at TEXT,
  updated_by TEXT
);

-- Stripe events applied to this tenant, by Stripe's event id: a replayed event changes nothing.
CREATE TABLE portal_stripe_events (
  event_id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  invoice_id TEXT,
  payment_id TEXT,
  amount_cents INTEGER,
  received_at TEXT NOT NULL
);

-- A line of an invoice the customer disputed from the portal, with their reason.
CREATE TABLE invoice_disputes (
  id TEXT PRIMARY KEY,
  invoice_id TEXT NOT NULL REFERENCES invoices(id),
  line_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL,
  resolved_at TEXT
);
CREATE INDEX invoice_disputes_invoice ON invoice_disputes(invoice_id, created_at);
