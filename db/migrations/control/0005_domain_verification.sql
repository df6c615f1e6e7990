-- Custom domains are served only once their owner proves control of the DNS name with a TXT
-- record. Domains added before this migration (by an operator) count as verified.
ALTER TABLE tenant_domains ADD COLUMN verify_token TEXT;
ALTER TABLE tenant_domains ADD COLUMN verified_at TEXT;
UPDATE tenant_domains SET verified_at = created_at;
