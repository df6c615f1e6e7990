/**
 * @module assistant/conversations
 * Conversation history per user, in the tenant database. A user sees only their own
 * conversations; another user's conversation id answers 404.
 */
import { z } from "zod";
import type { Client } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import { inWriteTransaction } from "../db/transaction.ts";
import { NotFoundError } from "../domain/errors.ts";
import type { AnswerWords, Citation } from "./answers.ts";
import { type ChatProvider, type ChatTurn, offlineChat } from "./providers.ts";

export const MessageSchema = z.strictObject({
  message: z.string().trim().min(1, "Ask something.").max(2000, "At most 2,000 characters."),
  conversation_id: z.string().regex(/^[0-9a-hjkmnp-tv-z]{26}$/, "Not a conversation id.")
    .optional(),
});

export interface ChatMessage {
  id: string;
  role: "user" | "assistant";
  content: string;
  citations: Citation[];
  created_at: string;
}

export interface Reply {
  conversation_id: string;
  reply: string;
  intent: string;
  citations: Citation[];
  provider: "offline" | "openai";
  /** Model tokens this answer used (0 offline), for the tenant's usage meter. */
  tokens: number;
}

async function ownConversation(db: Client, userId: string, id: string): Promise<void> {
  const rs = await db.execute({
    sql: "SELECT 1 FROM assistant_conversations WHERE id = ? AND user_id = ?",
    args: [id, userId],
  });
  if (!rs.rows.length) throw new NotFoundError("No such conversation.");
}

/**
 * Answers a message (offline provider unless another is given), keeping both sides in the user's
 * conversation. `today` is the tenant's business day: "this month" and "overdue" count from it.
 */
export async function ask(
  db: Client,
  userId: string,
  input: z.infer<typeof MessageSchema>,
  opts: {
    provider?: ChatProvider;
    today: string;
    onDelta?: (text: string) => void;
    /** The question as the provider reads it (the tenant's words back into the built-in ones). */
    understand?: (text: string) => string;
    /** The asker's language and formats: the reply is written in them (English unless given). */
    words?: AnswerWords;
  },
): Promise<Reply> {
  const today = opts.today;
  const provider = opts.provider ?? offlineChat;
  let history: ChatTurn[] = [];
  if (input.conversation_id) {
    history = (await conversationMessages(db, userId, input.conversation_id)).map((m) => ({
      role: m.role,
      content: m.content,
    }));
  }
  // The conversation keeps the question as asked; the provider reads it in the built-in words.
  const question = opts.understand ? opts.understand(input.message) : input.message;
  const result = await provider(db, question, history, today, opts.onDelta, opts.words);
  const intent = { kind: result.intent };
  const conversationId = input.conversation_id ?? newId();
  await inWriteTransaction(db, async (tx) => {
    const now = new Date().toISOString();
    if (!input.conversation_id) {
      await tx.execute({
        sql: `INSERT INTO assistant_conversations (id, user_id, title, created_at, updated_at)
              VALUES (?, ?, ?, ?, ?)`,
        args: [conversationId, userId, input.message.slice(0, 80), now, now],
      });
    } else {
      await tx.execute({
        sql: "UPDATE assistant_conversations SET updated_at = ? WHERE id = ?",
        args: [now, conversationId],
      });
    }
    for (
      const [role, content, citations] of [
        ["user", input.message, []],
        ["assistant", result.text, result.citations],
      ] as const
    ) {
      await tx.execute({
        sql:
          `INSERT INTO assistant_messages (id, conversation_id, role, content, citations, intent, created_at)
              VALUES (?, ?, ?, ?, ?, ?, ?)`,
        args: [newId(), conversationId, role, content, JSON.stringify(citations), intent.kind, now],
      });
    }
  });
  return {
    conversation_id: conversationId,
    reply: result.text,
    intent: intent.kind,
    citations: result.citations,
    provider: result.provider,
    tokens: result.tokens,
  };
}

export async function conversationMessages(
  db: Client,
  userId: string,
  id: string,
): Promise<ChatMessage[]> {
  await ownConversation(db, userId, id);
  const rs = await db.execute({
    sql: `SELECT id, role, content, citations, created_at FROM assistant_messages
          WHERE conversation_id = ? ORDER BY created_at, rowid`,
    args: [id],
  });
  return rs.rows.map((r) => ({
    id: String(r.id),
    role: r.role as "user" | "assistant",
    content: String(r.content),
    citations: JSON.parse(String(r.citations)) as Citation[],
    created_at: String(r.created_at),
  }));
}

export async function listConversations(db: Client, userId: string) {
  const rs = await db.execute({
    sql: `SELECT id, title, updated_at FROM assistant_conversations WHERE user_id = ?
          ORDER BY updated_at DESC LIMIT 50`,
    args: [userId],
  });
  return rs.rows.map((r) => ({
    id: String(r.id),
    title: String(r.title),
    updated_at: String(r.updated_at),
  }));
}
