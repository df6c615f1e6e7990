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
  ask,
  conversationMessages,
  listConversations,
  MessageSchema,
} from "../../../assistant/conversations.ts";
import { validate } from "./records.ts";
import { chatProviderFor } from "../../../assistant/providers.ts";
import { recordUsage } from "../../../billing/entitlements.ts";

const app = new Hono<AppEnv>();
app.use("/api/v1/assistant/*", tenantOnly(), requirePermission("records:read"));

app.post("/api/v1/assistant/messages", async (c) => {
  const services = c.get("services");
  const tenant = tenantOf(c);
  await assertMayAskAssistant(services, tenant.id);
  const input = validate(MessageSchema, await readJson(c));
  const userId = principalOf(c).userId;
  const provider = chatProviderFor(services.config);
  if (!(c.req.header("accept") ?? "").includes("text/event-stream")) {
    const reply = await ask(tenant.db, userId, input, { provider });
    await recordUsage(services.control, tenant.id, "aiTokensPerMonth", reply.tokens);
    return c.json(reply);
  }
  // Streamed: `delta` events carry the answer as it is written, `done` the whole reply (with
  // its citations), `error` a failure. The stream outlives this handler, so it borrows the
  // tenant's database for itself rather than using the request's loan.
  const lease = await services.pool.acquire(tenant.id, null);
  return streamSSE(c, async (stream) => {
    try {
      const reply = await ask(lease.db, userId, input, {
        provider,
        onDelta: (text) => void stream.writeSSE({ event: "delta", data: JSON.stringify({ text }) }),
      });
      await recordUsage(services.control, tenant.id, "aiTokensPerMonth", reply.tokens);
      await stream.writeSSE({ event: "done", data: JSON.stringify(reply) });
    } catch (err) {
      const message = err instanceof AppError ? err.message : "The assistant could not answer.";
      await stream.writeSSE({ event: "error", data: JSON.stringify({ message }) });
    } finally {
      lease.release();
    }
  });
});

app.get("/api/v1/assistant/conversations", async (c) => {
  const data = await listConversations(tenantOf(c).db, principalOf(c).userId);
  return c.json({ data, next_cursor: null });
});

app.get("/api/v1/assistant/conversations/:id", async (c) => {
  const id = c.req.param("id");
  if (!isId(id)) throw new NotFoundError("No such conversation.");
  const data = await conversationMessages(tenantOf(c).db, principalOf(c).userId, id);
  return c.json({ id, data });
});

export default app;
