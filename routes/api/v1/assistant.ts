/**
 * @module routes/api/v1/assistant
 * `POST /api/v1/assistant/messages` `{ message, conversation_id? }` answers with the reply and
 * the records it cites; conversations are per user (`GET /api/v1/assistant/conversations[/{id}]`).
 */
import { Hono } from "hono";
import { type AppEnv, principalOf, tenantOf } from "../../../http/env.ts";
import { readJson, tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { requireEntitlement } from "../../../billing/middleware.ts";
import { NotFoundError } from "../../../domain/errors.ts";
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

app.post("/api/v1/assistant/messages", requireEntitlement("aiAssistant"), async (c) => {
  const input = validate(MessageSchema, await readJson(c));
  const services = c.get("services");
  const reply = await ask(tenantOf(c).db, principalOf(c).userId, input, {
    provider: chatProviderFor(services.config),
  });
  await recordUsage(services.control, tenantOf(c).id, "aiTokensPerMonth", reply.tokens);
  return c.json(reply);
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
