-- Several workspaces may claim a domain while it is unverified (a claim alone must not block the
-- name's real owner); only one may hold it verified. Unverified claims expire after 7 days
-- (tenants/domains.ts).
CREATE TABLE tenant_domains_new (
  domain TEXT NOT NULL COLLATE NOCASE,
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  verify_token TEXT,
  verified_at TEXT,
  PRIMARY KEY (domain, tenant_id)
);
INSERT INTO tenant_domains_new (domain, tenant_id, created_at, verify_token, verified_at)
  SELECT domain, tenant_id, created_at, verify_token, verified_at FROM tenant_domains;
DROP TABLE tenant_domains;
ALTER TABLE tenant_domains_new RENAME TO tenant_domains;
CREATE INDEX tenant_domains_tenant ON tenant_domains(tenant_id);
CREATE UNIQUE INDEX tenant_domains_verified ON tenant_domains(domain) WHERE verified_at IS NOT NULL;
