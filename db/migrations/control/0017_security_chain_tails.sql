-- The newest entry (position and hash) of each security audit chain, recorded in the control
-- database on every append (security/chain_tail.ts). A chain lives in its tenant database, so
-- deleting its last entries there leaves a chain that still links up; verification compares the
-- chain's end with this row and reports the truncation. `chain` is the tenant id, or 'operators'
-- for the operators' chain in this database. A row is only ever moved forward.
CREATE TABLE security_chain_tails (
  chain TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
