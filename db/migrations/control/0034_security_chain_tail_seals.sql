-- The seal of each recorded chain tail (security/chain_tail.ts): an HMAC-SHA-256 over the chain,
-- position and hash under a key that is stored only wrapped by the master key, so someone who can
-- rewrite both a tenant database and this table still cannot record a tail that verifies.
-- Rows from before carry none and verify as unsealed until their next append (or --accept-tail).
ALTER TABLE security_chain_tails ADD COLUMN seal TEXT;
