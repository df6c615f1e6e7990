-- A purchase order's cost follows its packer's bills (domain/rules/totals.ts recomputeOrder), as a
-- load's freight follows its carrier bills (0135): once billed, it owes what the bills total and
-- counts what was paid on them as well as on the order. Orders billed before this kept their old
-- paid, outstanding and payment status until their next write; this brings them in line once.
UPDATE purchase_orders SET paid_cents = COALESCE((SELECT SUM(p.amount_cents) FROM payments p
  WHERE p.archived_at IS NULL AND (p.purchase_order_id = purchase_orders.id OR p.bill_id IN (
    SELECT b.id FROM bills b WHERE b.purchase_order_id = purchase_orders.id AND b.kind = 'supplier'
      AND b.state <> 'void' AND b.archived_at IS NULL))), 0);

UPDATE purchase_orders SET
  outstanding_cents = COALESCE((SELECT SUM(b.total_cents) FROM bills b
    WHERE b.purchase_order_id = purchase_orders.id AND b.kind = 'supplier' AND b.state <> 'void'
      AND b.archived_at IS NULL), total_cents) - paid_cents,
  payment_status = CASE WHEN paid_cents <= 0 THEN 'unpaid'
    WHEN paid_cents >= COALESCE((SELECT SUM(b.total_cents) FROM bills b
      WHERE b.purchase_order_id = purchase_orders.id AND b.kind = 'supplier'
        AND b.state <> 'void' AND b.archived_at IS NULL), total_cents)
    THEN 'paid' ELSE 'partial' END;
