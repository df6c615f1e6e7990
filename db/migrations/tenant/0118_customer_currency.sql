-- Currency per customer (domain/currency.ts): a customer is billed in USD, CAD or MXN; its sales
-- orders and invoices store the currency they were made in, so reports never add CAD to USD.
ALTER TABLE customers ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD'
  CHECK (currency IN ('USD', 'CAD', 'MXN'));
ALTER TABLE sales_orders ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD';
ALTER TABLE invoices ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD';
CREATE INDEX invoices_currency ON invoices(currency);
