/**
 * @module routes/records/disputes
 * Resolving a disputed invoice line from the invoice's page (components/records/InvoiceDisputes):
 * the accept and reject forms post here, and the member lands back on the invoice with what was
 * done (`?dispute=accepted`) or what to fix (`?error=`), such as a member's own address to
 * confirm before the customer can be mailed the outcome.
 */
import { Hono } from "hono";
import { type AppContext, type AppEnv } from "../../http/env.ts";
import { memberPage } from "../../http/guards.ts";
import { flashParams } from "../../http/flash.ts";
import { recordContext } from "../../http/records.ts";
import { isId } from "../../db/ids.ts";
import { AppError, NotFoundError } from "../../domain/errors.ts";
import { invoices } from "../../domain/catalog.ts";
import { ResolveSchema } from "../../domain/disputes.ts";
import { fieldErrors } from "../../domain/errors.ts";
import { resolveAndTell } from "../../portal/disputes.ts";
import { mailingDeps, requireWriteOf } from "./_flows.ts";
import { isUnconfirmedSender } from "../../domain/outside_mail.ts";
import { localizedError } from "../../http/errors.ts";
import { languageOf } from "../../i18n/middleware.ts";

function param(c: AppContext, name: string, what: string): string {
  const id = c.req.param(name) ?? "";
  if (!isId(id)) throw new NotFoundError(`No such ${what}.`);
  return id;
}

const app = new Hono<AppEnv>();
app.use("/invoices/:id/disputes/*", memberPage());

app.post("/invoices/:id/disputes/:dispute_id/resolve", async (c) => {
  requireWriteOf(c, invoices);
  const invoiceId = param(c, "id", "invoice");
  const disputeId = param(c, "dispute_id", "dispute");
  const body = await c.req.parseBody();
  const text = (key: string) => typeof body[key] === "string" ? String(body[key]).trim() : "";
  const credit = text("credit_amount").replace(/,/g, "");
  const raw = text("outcome") === "accept"
    ? { outcome: "accept", ...(credit ? { credit_amount: credit } : {}), note: text("note") }
    : { outcome: "reject", note: text("note") };
  const back = (query: Record<string, string>) =>
    c.redirect(`/invoices/${invoiceId}?${new URLSearchParams(query)}#invoice-disputes`, 303);
  const parsed = ResolveSchema.safeParse(raw);
  if (!parsed.success) {
    const messages = Object.values(fieldErrors(parsed.error.issues)).flat();
    return back(flashParams(c, "error", messages[0] ?? "Some fields need attention."));
  }
  try {
    const done = await resolveAndTell(
      await mailingDeps(c),
      recordContext(c),
      invoiceId,
      disputeId,
      parsed.data,
      c.get("services").clock.now().toISOString(),
    );
    return back({ dispute: done.dispute.status });
  } catch (err) {
    // An unconfirmed member may not mail the customer: told on the invoice, the dispute still open.
    if (isUnconfirmedSender(err)) {
      return back(flashParams(c, "error", localizedError(err, languageOf(c)).message));
    }
    if (!(err instanceof AppError) || err.status >= 500 || err.status === 403) throw err;
    if (err.status === 404) throw err;
    return back(flashParams(c, "error", err.message));
  }
});

export default app;
