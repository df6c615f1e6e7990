-- The language a supplier (packer) is written to in (mail/language.ts), like customers' and
-- carriers' (0127): the purchase order PDF prints in it. NULL follows the workspace's default.
ALTER TABLE suppliers ADD COLUMN language TEXT CHECK (language IS NULL OR language IN ('en', 'es'));
