-- Plugins installed in this workspace (issue 15). One row per plugin name: the manifest and code
-- of the installed version (a catalog plugin's code is copied so an upgrade is a choice, never a
-- surprise), what the workspace approved (permissions and domains, shown before install), its
-- settings, and whether it runs. Uninstalling deletes the row; the security log keeps the story.
CREATE TABLE plugin_installations (
  name TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  version TEXT NOT NULL,
  manifest TEXT NOT NULL,
  code TEXT NOT NULL,
  views TEXT NOT NULL DEFAULT '{}',
  approved_permissions TEXT NOT NULL DEFAULT '[]',
  approved_domains TEXT NOT NULL DEFAULT '[]',
  settings TEXT NOT NULL DEFAULT '{}',
  enabled INTEGER NOT NULL DEFAULT 1,
  installed_at TEXT NOT NULL,
  installed_by TEXT,
  updated_at TEXT NOT NULL
);
