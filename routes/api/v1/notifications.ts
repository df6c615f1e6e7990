/**
 * @module routes/api/v1/notifications
 * The signed-in member's notifications: the newest with the unread count (the bell asks), marking
 * read, and their preferences per event and channel.
 */
import { Hono } from "hono";
import { z } from "zod";
import { type AppEnv, principalOf, tenantOf } from "../../../http/env.ts";
import { parseWith, readJson, tenantOnly } from "../../../http/guards.ts";
import { requireAuth } from "../../../auth/middleware.ts";
import { describeRoute } from "../../../http/openapi.ts";
import {
  listNotifications,
  markRead,
  preferencesOf,
  savePreferences,
  unreadCount,
} from "../../../notifications/store.ts";
import { PreferencesSchema } from "../../../notifications/preferences_schema.ts";
import { defaultPreferences } from "../../../notifications/store.ts";
import { apiLanguage } from "../../../i18n/middleware.ts";
import { activeConfiguration } from "../../../customization/cache.ts";
import { loadFormatSettings } from "../../../domain/format.ts";

const ItemJson = z.object({
  id: z.string(),
  event: z.string(),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  created_at: z.string(),
  read_at: z.string().nullable(),
});

const ITEM = {
  id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
  event: "load_delivered",
  title: "Load L-1042 was delivered",
  body: "",
  link: "/loads/01jd8x7k3m5n9p2q4r6s8t0v1x",
  created_at: "2026-11-20T15:04:05.123Z",
  read_at: null,
};

const list = describeRoute({
  operationId: "listNotifications",
  tag: "Notifications",
  summary: "Your newest notifications and how many are unread",
  query: z.object({
    unread: z.enum(["true", "false"]).optional().meta({ example: "true" }),
    limit: z.string().optional().meta({ example: "20" }),
  }),
  responses: {
    200: {
      description: "Newest first",
      schema: z.object({ data: z.array(ItemJson), unread: z.int() }),
      example: { data: [ITEM], unread: 1 },
    },
  },
  errors: [],
});

const ReadSchema = z.union([
  z.object({ all: z.literal(true) }).strict(),
  z.object({ ids: z.array(z.string().max(40)).min(1).max(200) }).strict(),
]);

const read = describeRoute({
  operationId: "markNotificationsRead",
  tag: "Notifications",
  summary: "Mark notifications read: the ones named, or all",
  body: { schema: ReadSchema, example: { ids: [ITEM.id] } },
  responses: {
    200: {
      description: "How many were marked and how many are left unread",
      schema: z.object({ marked: z.int(), unread: z.int() }),
      example: { marked: 1, unread: 0 },
    },
  },
  errors: [415, 422],
});

const PREFS_EXAMPLE = defaultPreferences();

const getPrefs = describeRoute({
  operationId: "getNotificationPreferences",
  tag: "Notifications",
  summary: "Your channels per event (in the app, e-mail at once, daily digest)",
  responses: {
    200: { description: "Every event", schema: PreferencesSchema, example: PREFS_EXAMPLE },
  },
  errors: [],
});

const putPrefs = describeRoute({
  operationId: "setNotificationPreferences",
  tag: "Notifications",
  summary: "Choose your channels per event",
  body: { schema: PreferencesSchema, example: PREFS_EXAMPLE },
  responses: {
    200: { description: "As stored", schema: PreferencesSchema, example: PREFS_EXAMPLE },
  },
  errors: [415, 422],
});

const app = new Hono<AppEnv>();
app.use("/api/v1/notifications", tenantOnly(), requireAuth());
app.use("/api/v1/notifications/*", tenantOnly(), requireAuth());

app.get("/api/v1/notifications", list, async (c) => {
  const tenant = tenantOf(c);
  const db = tenant.db;
  const userId = principalOf(c).userId;
  const limit = Math.max(1, Math.min(Math.trunc(Number(c.req.query("limit"))) || 50, 200));
  // In the reader's language (i18n/middleware.ts apiLanguage): the bell reads it as the page does.
  const reader = {
    language: await apiLanguage(c),
    config: (await activeConfiguration(c.get("services").readCache, db, tenant.id)).document,
    format: await loadFormatSettings(db),
  };
  const [items, unread] = await Promise.all([
    listNotifications(db, userId, {
      limit,
      unreadOnly: c.req.query("unread") === "true",
      reader,
    }),
    unreadCount(db, userId),
  ]);
  return c.json({
    data: items.map((i) => ({
      id: i.id,
      event: i.event,
      title: i.title,
      body: i.body,
      link: i.link,
      created_at: i.createdAt,
      read_at: i.readAt,
    })),
    unread,
  });
});

app.post("/api/v1/notifications/read", read, async (c) => {
  const input = parseWith(ReadSchema, await readJson(c));
  const db = tenantOf(c).db;
  const userId = principalOf(c).userId;
  const now = c.get("services").clock.now().toISOString();
  const marked = await markRead(db, userId, "all" in input ? "all" : input.ids, now);
  return c.json({ marked, unread: await unreadCount(db, userId) });
});

app.get("/api/v1/notifications/preferences", getPrefs, async (c) => {
  const userId = principalOf(c).userId;
  const prefs = await preferencesOf(tenantOf(c).db, [userId]);
  return c.json(prefs.get(userId)!);
});

app.put("/api/v1/notifications/preferences", putPrefs, async (c) => {
  const prefs = parseWith(PreferencesSchema, await readJson(c));
  const userId = principalOf(c).userId;
  await savePreferences(tenantOf(c).db, userId, prefs);
  return c.json((await preferencesOf(tenantOf(c).db, [userId])).get(userId)!);
});

export default app;
