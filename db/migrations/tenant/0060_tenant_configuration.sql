-- The tenant configuration document (customization/): the current version in one row, and every
-- version ever applied with who applied it, when, the whole document and the diff from the one
-- before. Version 0 is the built-in configuration and has no row. A rollback is a new version.
CREATE TABLE configuration (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL,
  document TEXT NOT NULL,
  changed_at TEXT NOT NULL,
  changed_by TEXT
);
CREATE TABLE configuration_versions (
  version INTEGER PRIMARY KEY,
  document TEXT NOT NULL,
  diff TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('change', 'rollback')),
  rolled_back_to INTEGER,
  changed_at TEXT NOT NULL,
  changed_by TEXT,
  changed_by_email TEXT
);
