-- The business alert on customers over their credit limit (ops/business_alerts_credit.ts): one row
-- per customer that is over, for each rule that heard of it (`heard_by` is the rule's id) and once
-- for the members' notification (`heard_by` = 'members'). A row is written when the customer
-- crosses and told, and deleted when it is back within its limit and told: so a customer that
-- stays over is told once, and one that crosses again is told again.
CREATE TABLE business_alert_credit_state (
  heard_by TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  over_since TEXT NOT NULL,
  exposure_cents INTEGER NOT NULL,
  limit_cents INTEGER NOT NULL,
  PRIMARY KEY (heard_by, customer_id)
);
