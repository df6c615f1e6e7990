-- Uploaded documents (the file itself lives in the storage adapter under storage_key), what the
-- extraction made of them (a draft of a record, with a confidence per field), the record they
-- were accepted as, and each field a reviewer corrected (to report extraction accuracy).

CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  storage_key TEXT NOT NULL,
  -- queued, processing, review, needs_ocr, failed, accepted, rejected
  status TEXT NOT NULL DEFAULT 'queued',
  status_message TEXT,
  pages INTEGER,
  text_method TEXT,
  -- purchase_order, sales_confirmation, bill_of_lading, proof_of_delivery, rate_confirmation,
  -- invoice, certificate_of_analysis, other
  classification TEXT,
  classification_confidence REAL,
  provider TEXT,
  -- Extracted text: untrusted input, only ever shown and parsed, never obeyed.
  text TEXT,
  draft TEXT,
  processing_ms INTEGER,
  record_collection TEXT,
  record_id TEXT,
  job_id TEXT,
  uploaded_by TEXT,
  reviewed_by TEXT,
  reviewed_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX documents_sha256 ON documents(sha256);
CREATE INDEX documents_record ON documents(record_collection, record_id);
CREATE INDEX documents_created ON documents(created_at);

CREATE TABLE document_corrections (
  id TEXT PRIMARY KEY,
  document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  classification TEXT,
  field TEXT NOT NULL,
  extracted TEXT,
  corrected TEXT,
  confidence REAL,
  user_id TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX document_corrections_document ON document_corrections(document_id);

-- Tokens and cost of AI calls per month, provider and model (the tenant's own counts).
CREATE TABLE ai_usage (
  period TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  requests INTEGER NOT NULL DEFAULT 0,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cost_microdollars INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (period, provider, model)
);

-- The assistant's conversation tables are in 0003_assistant.sql (the chat lives in assistant/).
