-- Exchange rates entered by the broker (domain/exchange.ts): one per currency and day, as the
-- workspace currency's units for one unit of `currency`, in millionths (1.371234 -> 1371234).
CREATE TABLE exchange_rates (
  currency TEXT NOT NULL CHECK (currency IN ('USD', 'CAD', 'MXN')),
  day TEXT NOT NULL,
  rate_e6 INTEGER NOT NULL CHECK (rate_e6 > 0),
  updated_at TEXT NOT NULL,
  updated_by TEXT,
  PRIMARY KEY (currency, day)
);

-- The rate frozen on an invoice when it is issued (the rate of its invoice date, or the latest
-- before it), and the day that rate is of; NULL for an invoice in the workspace currency or
-- issued before a rate existed.
ALTER TABLE invoices ADD COLUMN exchange_rate_e6 INTEGER;
ALTER TABLE invoices ADD COLUMN exchange_rate_day TEXT;
