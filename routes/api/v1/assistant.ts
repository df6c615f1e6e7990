/**
 * @module routes/api/v1/assistant
 * `POST /api/v1/assistant/messages` `{ message, conversation_id? }` answers with the reply and
 * the records it cites; conversations are per user (`GET /api/v1/assistant/conversations[/{id}]`).
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { type AppEnv, principalOf, tenantOf } from "../../../http/env.ts";
import { readJson, tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { assertMayAskAssistant } from "../../../billing/middleware.ts";
import { AppError, NotFoundError } from "../../../domain/errors.ts";
import { isId } from "../../../db/ids.ts";
import {
  conversationMessages,
  listConversations,
  MessageSchema,
} from "../../../assistant/conversations.ts";
import { validate } from "../../../http/records.ts";
import { apiLanguage } from "../../../i18n/middleware.ts";
import { askForTenant } from "../../../assistant/metered.ts";
import { describeRoute, IdParams, listOf } from "../../../http/openapi.ts";
import { z } from "zod";

const CitationJson = z.object({
  collection: z.string(),
  id: z.string(),
  title: z.string(),
  url: z.string(),
});

const CITATION = {
  collection: "invoices",
  id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
  title: "INV-20417",
  url: "/invoices/01jd8x7k3m5n9p2q4r6s8t0v1w",
};

const askAssistant = describeRoute({
  operationId: "askAssistant",
  tag: "Assistant",
  summary: "Ask about your business in plain words; the reply cites the records it used",
  description: "With `Accept: text/event-stream` the answer streams as `delta` events, then " +
    "`done` with the whole reply (or `error`).",
  body: {
    schema: MessageSchema,
    example: { message: "Which invoices are overdue for Prairie Packers?" },
  },
  responses: {
    200: {
      description: "The reply",
      schema: z.object({
        conversation_id: z.string(),
        reply: z.string(),
        intent: z.string(),
        citations: z.array(CitationJson),
        provider: z.enum(["offline", "openai"]),
        tokens: z.int().meta({ description: "Model tokens used (0 offline)" }),
      }),
      example: {
        conversation_id: "01jd8x7k3m5n9p2q4r6s8t0v1x",
        reply: "One invoice is overdue: INV-20417, $12,636.00, 5 days past due.",
        intent: "overdue_invoices",
        citations: [CITATION],
        provider: "offline",
        tokens: 0,
      },
    },
  },
  errors: [400, 402, 403, 404, 415, 422],
});

const listChats = describeRoute({
  operationId: "listConversations",
  tag: "Assistant",
  summary: "Your conversations with the assistant, latest first",
  responses: {
    200: {
      description: "Up to 50 conversations",
      schema: listOf(z.object({ id: z.string(), title: z.string(), updated_at: z.string() })),
      example: {
        data: [{
          id: "01jd8x7k3m5n9p2q4r6s8t0v1x",
          title: "Which invoices are overdue?",
          updated_at: "2026-03-31T14:05:09.000Z",
        }],
        next_cursor: null,
      },
    },
  },
  errors: [403],
});

const getChat = describeRoute({
  operationId: "getConversation",
  tag: "Assistant",
  summary: "The messages of one of your conversations",
  params: IdParams,
  responses: {
    200: {
      description: "Its messages, oldest first",
      schema: z.object({
        id: z.string(),
        data: z.array(z.object({
          id: z.string(),
          role: z.enum(["user", "assistant"]),
          content: z.string(),
          citations: z.array(CitationJson),
          created_at: z.string(),
        })),
      }),
      example: {
        id: "01jd8x7k3m5n9p2q4r6s8t0v1x",
        data: [{
          id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
          role: "user",
          content: "Which invoices are overdue?",
          citations: [],
          created_at: "2026-03-31T14:05:09.000Z",
        }],
      },
    },
  },
  errors: [403, 404],
});

const app = new Hono<AppEnv>();
app.use("/api/v1/assistant/*", tenantOnly(), requirePermission("records:read"));

app.post("/api/v1/assistant/messages", askAssistant, async (c) => {
  const services = c.get("services");
  const tenant = tenantOf(c);
  await assertMayAskAssistant(services, tenant.id);
  const input = validate(MessageSchema, await readJson(c));
  const userId = principalOf(c).userId;
  // The reply's words follow Accept-Language (or the member's saved choice in a session).
  const language = await apiLanguage(c);
  if (!(c.req.header("accept") ?? "").includes("text/event-stream")) {
    return c.json(await askForTenant(services, tenant, userId, input, undefined, language));
  }
  // Streamed: `delta` events carry the answer as it is written, `done` the whole reply (with
  // its citations), `error` a failure. The stream outlives this handler, so it borrows the
  // tenant's database for itself rather than using the request's loan.
  const lease = await services.pool.acquire(tenant.id, null);
  return streamSSE(c, async (stream) => {
    try {
      const reply = await askForTenant(
        services,
        { ...tenant, db: lease.db },
        userId,
        input,
        (text) => void stream.writeSSE({ event: "delta", data: JSON.stringify({ text }) }),
        language,
      );
      await stream.writeSSE({ event: "done", data: JSON.stringify(reply) });
    } catch (err) {
      const message = err instanceof AppError ? err.message : "The assistant could not answer.";
      await stream.writeSSE({ event: "error", data: JSON.stringify({ message }) });
    } finally {
      lease.release();
    }
  });
});

app.get("/api/v1/assistant/conversations", listChats, async (c) => {
  const data = await listConversations(tenantOf(c).db, principalOf(c).userId);
  return c.json({ data, next_cursor: null });
});

app.get("/api/v1/assistant/conversations/:id", getChat, async (c) => {
  const id = c.req.param("id");
  if (!isId(id)) throw new NotFoundError("No such conversation.");
  const data = await conversationMessages(tenantOf(c).db, principalOf(c).userId, id);
  return c.json({ id, data });
});

export default app;
