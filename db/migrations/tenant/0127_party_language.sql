-- The language a customer or carrier is written to in (mail/language.ts): e-mails, statements,
-- reminders, rate confirmations and the PDFs they carry. NULL follows the workspace's default
-- (the language of its locale setting), so existing parties keep receiving what they did.
ALTER TABLE customers ADD COLUMN language TEXT CHECK (language IS NULL OR language IN ('en', 'es'));
ALTER TABLE carriers ADD COLUMN language TEXT CHECK (language IS NULL OR language IN ('en', 'es'));
-- A notification's title and body as catalogue keys with their arguments (JSON,
-- notifications/messages.ts), rendered in the reader's language when read; NULL for rows stored
-- before, which keep their English title and body.
ALTER TABLE notifications ADD COLUMN message TEXT;
