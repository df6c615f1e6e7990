-- The language each user reads the interface in (i18n/user_language.ts): 'en' or 'es', or NULL
-- to follow the browser (Accept-Language) and then the workspace's default. Per user, not per
-- membership: a person reads one language in every workspace.
ALTER TABLE users ADD COLUMN language TEXT CHECK (language IS NULL OR language IN ('en', 'es'));
