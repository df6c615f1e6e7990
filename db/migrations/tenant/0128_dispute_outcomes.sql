-- A disputed invoice line resolved by the broker (domain/disputes.ts): accepted with a credit for
-- the disputed amount, which lowers the invoice's balance, or rejected with a reason. Either way
-- `resolved_at` is set once and never again: a second resolution is refused.
ALTER TABLE invoice_disputes ADD COLUMN outcome TEXT CHECK (outcome IN ('accepted', 'rejected'));
ALTER TABLE invoice_disputes ADD COLUMN credit_cents INTEGER NOT NULL DEFAULT 0
  CHECK (credit_cents >= 0);
ALTER TABLE invoice_disputes ADD COLUMN resolution_note TEXT;
ALTER TABLE invoice_disputes ADD COLUMN resolved_by TEXT;
CREATE INDEX invoice_disputes_open ON invoice_disputes(created_at) WHERE resolved_at IS NULL;

-- What accepted disputes credited on the invoice; outstanding = total - paid - credited
-- (domain/rules/totals.ts recomputeInvoice).
ALTER TABLE invoices ADD COLUMN credited_cents INTEGER NOT NULL DEFAULT 0;
