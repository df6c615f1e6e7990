-- A load's freight follows its carrier bills (domain/rules/totals.ts recomputeLoad): once billed,
-- it owes the billed amount and counts what was paid on the bills as well as on the load. Loads
-- billed before this was so kept their old paid, outstanding and payment status until their next
-- write; this brings them in line once, with the same sums.
UPDATE loads SET paid_cents = COALESCE((SELECT SUM(p.amount_cents) FROM payments p
  WHERE p.archived_at IS NULL AND (p.load_id = loads.id OR p.bill_id IN (
    SELECT b.id FROM bills b WHERE b.load_id = loads.id AND b.kind = 'carrier'
      AND b.state <> 'void' AND b.archived_at IS NULL))), 0);

UPDATE loads SET
  outstanding_cents = COALESCE((SELECT SUM(b.total_cents) FROM bills b WHERE b.load_id = loads.id
    AND b.kind = 'carrier' AND b.state <> 'void' AND b.archived_at IS NULL), freight_cents)
    - paid_cents,
  payment_status = CASE WHEN paid_cents <= 0 THEN 'unpaid'
    WHEN paid_cents >= COALESCE((SELECT SUM(b.total_cents) FROM bills b WHERE b.load_id = loads.id
      AND b.kind = 'carrier' AND b.state <> 'void' AND b.archived_at IS NULL), freight_cents)
    THEN 'paid' ELSE 'partial' END;
