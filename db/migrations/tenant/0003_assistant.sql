-- The assistant's conversations: each belongs to one user of the tenant.
CREATE TABLE assistant_conversations (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  title TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX assistant_conversations_user ON assistant_conversations(user_id, updated_at);

CREATE TABLE assistant_messages (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES assistant_conversations(id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  content TEXT NOT NULL,
  citations TEXT NOT NULL DEFAULT '[]',
  intent TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX assistant_messages_conversation ON assistant_messages(conversation_id, created_at);
