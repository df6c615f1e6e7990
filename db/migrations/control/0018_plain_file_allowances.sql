-- Encrypted file storage (storage/encrypted.ts): once a workspace's files are encrypted, a stored
-- file without a valid header is refused as altered, not served as plain bytes. The workspaces
-- listed here may still hold files stored before encryption at rest existed, and only they may
-- read a file without a header (as it is). A workspace whose first data key was made with it
-- (at signup, before its tenants row: tenant_keys.created_at <= tenants.created_at, give or take
-- an hour) never had a plain file and is not listed; one whose key came later (made when it was
-- first opened after the upgrade to encryption) is. New workspaces are never listed.
CREATE TABLE plain_file_allowances (
  tenant_id TEXT PRIMARY KEY,
  listed_at TEXT NOT NULL
);
INSERT INTO plain_file_allowances (tenant_id, listed_at)
  SELECT t.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM tenants t
  WHERE NOT EXISTS (
    SELECT 1 FROM tenant_keys k
    WHERE k.tenant_id = t.id AND k.version = 1
      AND julianday(k.created_at) <= julianday(t.created_at) + 1.0 / 24
  );
