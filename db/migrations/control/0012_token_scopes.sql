-- Scoped API tokens (auth/scopes.ts, auth/api_tokens.ts).
-- `scopes`: the scopes a token was given, space-separated (`loads:read invoices:write`), or `*` for
-- a full-access token, which has every right of its creator's role. Every token made before scopes
-- existed is marked `*` here, so it keeps working as it did.
-- `allowed_ips`: canonical IP addresses and CIDR ranges, space-separated; empty means anywhere.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '*';
ALTER TABLE api_tokens ADD COLUMN allowed_ips TEXT NOT NULL DEFAULT '';
