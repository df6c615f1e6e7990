-- A personal API token may expire (auth/api_tokens.ts); NULL is a token that lives until revoked.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
