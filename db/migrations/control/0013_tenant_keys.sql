-- Encryption at rest (crypto/tenant_keys.ts): each tenant's data keys, stored only wrapped by the
-- master key (AES-256-GCM, `v1:<master key id>:<iv and ciphertext>`). The newest version encrypts
-- the tenant database and new files; older versions stay to read files written under them.
-- No foreign key to tenants: the key is made before the tenant row (signup writes that last), and
-- deleting a tenant's keys here makes whatever remains of its data unreadable.
CREATE TABLE tenant_keys (
  tenant_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  wrapped_key TEXT NOT NULL,
  master_key_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, version)
);
CREATE INDEX tenant_keys_master ON tenant_keys(master_key_id);
