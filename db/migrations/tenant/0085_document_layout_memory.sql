-- What review corrections taught about a sender's layout (issue 14): for documents whose top
-- lines (the letterhead) give the same sender key, the label that sits beside or over the value a
-- user typed in is that field's label. The next document from the same sender is read with it.
CREATE TABLE document_layout_labels (
  sender_key TEXT NOT NULL,
  classification TEXT NOT NULL,
  field TEXT NOT NULL,
  label TEXT NOT NULL,
  hits INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (sender_key, classification, field)
);
