/**
 * @module notifications/mod
 * `notify(ctx, event)`: the one way anything in the app tells members that something happened.
 * It works out who hears it (everyone in the workspace, or the members named), reads each one's
 * preferences, and per member stores the in-app notification (the bell), sends an e-mail at once
 * through the outbox, and/or leaves it for the daily digest (notifications/daily.ts). The
 * tenant's alert channels are a further channel when the workspace has them; today none exist.
 *
 * A `dedupeKey` makes an event land once per member however often it is raised (the daily scan
 * runs again, two processes hear one change): the e-mail goes out only with the first.
 *
 * Callers: the live hub for changes to records (notifications/from_changes.ts), the document
 * reader, the daily scan, notes with @mentions (domain/activity), and any rule that wants to.
 */
import type { Client } from "../db/client.ts";
import type { Services } from "../services.ts";
import { listMembers } from "../auth/members.ts";
import { sendMail } from "../mail/outbox.ts";
import { workspaceOrigin } from "../data_rights/deletion.ts";
import type { EventKind } from "./events.ts";
import { insertNotification, preferencesOf } from "./store.ts";
import { activeConfiguration } from "../customization/cache.ts";
import { type Phrase, phraseIn } from "../customization/terms.ts";
import { memberLanguage } from "../mail/language.ts";
import { loadFormatSettings } from "../domain/format.ts";
import {
  encodeMessage,
  isMessage,
  type NotificationMessage,
  type Reader,
  readerTranslator,
  renderMessage,
  shownTexts,
} from "./messages.ts";

export { EVENT_KINDS, type EventKind, EVENTS } from "./events.ts";

/** Where a notification is raised: the services, the tenant and its database. */
export interface NotifyContext {
  services: Services;
  tenantId: string;
  db: Client;
}

/** Something worth telling members. */
export interface NotificationEvent {
  kind: EventKind;
  /**
   * One line: "Load L-1042 was delivered". Best as a catalogue message
   * (`{ key: "notice.load_delivered", args: { number } }`, notifications/messages.ts): each
   * reader reads it in their language, and its fixed words follow the tenant's terms
   * ("Shipment L-1042..."). A phrase`…` (customization/terms.ts) or free text is stored as is.
   */
  title: string | Phrase | NotificationMessage;
  body?: string | Phrase | NotificationMessage;
  /** A path in the workspace ("/loads/01j…"), shown as the notification's link. */
  link?: string;
  entity?: { collection: string; id: string };
  /** Only these members (a mention); every member of the workspace otherwise. */
  to?: readonly string[];
  /** Whoever caused it is not told about their own action. */
  actorId?: string | null;
  /** Same key, same member: told once. */
  dedupeKey?: string;
}

/** Who was told how. */
export interface NotifyResult {
  inApp: string[];
  emailed: string[];
  digest: string[];
}

/** Tells the members who want to hear of `event`, each on the channels they chose. */
export async function notify(ctx: NotifyContext, event: NotificationEvent): Promise<NotifyResult> {
  const { services, tenantId, db } = ctx;
  const members = await listMembers(services.control, tenantId);
  const wanted = event.to ? new Set(event.to) : null;
  const recipients = members.filter((m) =>
    (!wanted || wanted.has(m.user_id)) && m.user_id !== event.actorId
  );
  const result: NotifyResult = { inApp: [], emailed: [], digest: [] };
  if (!recipients.length) return result;
  const prefs = await preferencesOf(db, recipients.map((m) => m.user_id));
  const now = services.clock.now().toISOString();
  const tenant = await services.registry.findById(tenantId);
  // In the tenant's words: the bell, the digest and the e-mail read the same text.
  const config = (await activeConfiguration(services.readCache, db, tenantId).catch(() => null))
    ?.document;
  const format = await loadFormatSettings(db).catch(() => undefined);
  // Stored in English (the tenant's words) for older readers; the message renders per reader.
  const english: Reader = { language: "en", config, format };
  const textOf = (text: string | Phrase | NotificationMessage) =>
    isMessage(text) ? renderMessage(english, text) : phraseIn(config, text);
  const title = textOf(event.title);
  const body = event.body === undefined ? "" : textOf(event.body);
  const message = encodeMessage(event.title, event.body);
  for (const member of recipients) {
    const chosen = prefs.get(member.user_id)![event.kind];
    if (!chosen.in_app && !chosen.email && !chosen.digest) continue;
    const fresh = await insertNotification(db, {
      userId: member.user_id,
      event: event.kind,
      title,
      body,
      link: event.link ?? null,
      entity: event.entity?.collection ?? null,
      entityId: event.entity?.id ?? null,
      dedupeKey: event.dedupeKey ?? null,
      createdAt: now,
      inApp: chosen.in_app,
      digest: chosen.digest,
      message,
    });
    if (!fresh) continue;
    if (chosen.in_app) result.inApp.push(member.user_id);
    if (chosen.digest) result.digest.push(member.user_id);
    if (chosen.email) {
      const link = event.link && tenant
        ? `\n\n${workspaceOrigin(services.config, tenant.slug)}${event.link}`
        : "";
      try {
        // In the member's language: their saved choice, else the workspace's default.
        const reader: Reader = {
          language: await memberLanguage(services, member.user_id, { db }),
          config,
          format,
        };
        const t = readerTranslator(reader);
        const shown = shownTexts(reader, {
          title,
          body,
          message: message ? JSON.parse(message) : null,
        });
        await sendMail(services, {
          to: member.email,
          subject: shown.title,
          text: `${shown.body ? `${shown.body}\n` : ""}${t(`event.${event.kind}`)}.${link}\n\n` +
            t("mail.notification.footer"),
          tenantId,
        });
        result.emailed.push(member.user_id);
      } catch (err) {
        // The in-app notification stands; a bad address must not stop the others.
        services.log.warn("notification e-mail refused", { error: String(err) });
      }
    }
  }
  return result;
}
