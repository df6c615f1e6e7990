/**
 * @module ops/business_alerts_mail
 * What a business alert rule's e-mail says, in its recipient's language: a member of the
 * workspace (the rule's address is theirs) reads their saved language, any other address the
 * workspace's default (mail/language.ts `addressLanguage`). The subject and text are catalogue
 * messages (`mail.alert.*`); counts are pluralized, amounts and the business day formatted in the
 * recipient's locale with the workspace's currency settings. Slack and webhook rules are written
 * in the workspace's default language (no one person reads them): Slack's `text` is that text, a
 * webhook's body keeps its English `text` (a receiving program may parse it) and adds that text as
 * `message` with its `language`.
 */
import type { Client } from "../db/client.ts";
import type { Services } from "../services.ts";
import * as fmt from "../domain/format.ts";
import { inCurrency } from "../domain/currency.ts";
import { formatsFor, type Language, type Translate, translator } from "../i18n/mod.ts";
import { addressLanguage, memberLanguage } from "../mail/language.ts";
import type { BusinessAlertRule, BusinessMetric } from "./business_alerts_rules.ts";

/** A figure's words as data: its metric, its count or its amounts per currency. */
export interface FigureWords {
  metric: BusinessMetric;
  count: number;
  amounts?: Array<{ currency: string; cents: number }>;
}

/** A customer's standing as a credit-limit e-mail tells it (null when no longer known). */
export interface CreditWords {
  name: string | null;
  currency: string;
  exposureCents: number;
  limitCents: number;
  known: boolean;
}

/** The message of one change: its whole subject line, its text and their language. */
export interface AlertMail {
  subject: string;
  text: string;
  language: Language;
}

/** How a rule's message is written: the reader's language, `t` and formats. */
export interface MailWriter {
  language: Language;
  t: Translate;
  format: fmt.FormatSettings;
}

/**
 * The writer for a rule's message: an e-mail in its recipient's language, a Slack or webhook
 * message in the workspace's default.
 */
export async function alertWriter(
  services: Services,
  tenantId: string,
  db: Client,
  rule: BusinessAlertRule,
): Promise<MailWriter> {
  const language: Language = rule.channel === "email"
    ? await addressLanguage(services, tenantId, db, rule.target)
    : await memberLanguage(services, null, { db, tenantId });
  const settings = await fmt.loadFormatSettings(db).catch(() => fmt.DEFAULT_FORMAT);
  return { language, t: translator(language), format: formatsFor(settings, language) };
}

const money = (w: MailWriter, cents: number, currency: string) =>
  fmt.money(cents, inCurrency(w.format, currency));

/** A figure's words ("3 loads past their delivery appointment…") for the writer's reader. */
function detail(w: MailWriter, figure: FigureWords): string {
  if (figure.metric === "overdue_ar") {
    const amounts = figure.amounts ?? [];
    return amounts.length
      ? w.t("mail.alert.detail.overdue_ar", {
        amounts: amounts.map((a) => money(w, a.cents, a.currency)).join(", "),
      })
      : w.t("mail.alert.detail.no_overdue_ar");
  }
  return w.t(`mail.alert.detail.${figure.metric}`, { count: figure.count });
}

/** The e-mail of a figure crossing its rule's threshold, or coming back within it. */
export function figureMail(
  w: MailWriter,
  change: { firing: boolean; workspace: string; threshold: number; today: string },
  figure: FigureWords,
): AlertMail {
  const args = {
    workspace: change.workspace,
    detail: detail(w, figure),
    threshold: change.threshold,
    date: fmt.date(change.today, w.format),
  };
  return {
    subject: mailSubject(w, change.firing, w.t(`mail.alert.metric.${figure.metric}`)),
    text: w.t(change.firing ? "mail.alert.firing" : "mail.alert.resolved", args),
    language: w.language,
  };
}

/** The e-mail of a customer going over its credit limit, or coming back within it. */
export function creditMail(
  w: MailWriter,
  change: { firing: boolean; workspace: string; today: string },
  c: CreditWords,
): AlertMail {
  const name = c.name ?? w.t("mail.alert.a_customer");
  const args = {
    workspace: change.workspace,
    name,
    exposure: money(w, c.exposureCents, c.currency),
    limit: money(w, c.limitCents, c.currency),
    date: fmt.date(change.today, w.format),
  };
  const text = change.firing
    ? "mail.alert.credit_firing"
    : c.known
    ? "mail.alert.credit_resolved"
    : "mail.alert.credit_resolved_unknown";
  return {
    subject: mailSubject(
      w,
      change.firing,
      w.t(change.firing ? "mail.alert.credit_over" : "mail.alert.credit_within", { name }),
    ),
    text: w.t(text, args),
    language: w.language,
  };
}

/** The e-mail's subject line: "[ProjectMeats] Alert: …" or "Resolved: …" in the reader's words. */
function mailSubject(w: MailWriter, firing: boolean, subject: string): string {
  return w.t(firing ? "mail.alert.subject_firing" : "mail.alert.subject_resolved", { subject });
}
