/**
 * @module billing/cli
 * Operator commands for billing, above all for offline mode (no Stripe):
 *
 *     deno task billing:set-plan <slug> <plan> <status> [--interval month|year]
 *         [--trial-ends YYYY-MM-DD] [--past-due-since YYYY-MM-DD]
 *     deno task billing override <slug> seats=25 apiAccess=true -documentsPerMonth
 *     deno task billing show <slug>
 *     deno task billing:sync-plans      (creates or updates Stripe products and prices)
 *
 * It opens the control database in DATA_DIR directly; a running server sees the change within
 * a few seconds (its billing cache).
 */
import { type Clock, clockFromSetting, dayStartIn, DEFAULT_TIME_ZONE } from "../domain/clock.ts";
import { DAY_PATTERN, isRealDay } from "../domain/day.ts";
import { addDays } from "../domain/rules/due_dates.ts";
import { parseArgs } from "node:util";
import { type Config, loadConfig } from "../config.ts";
import type { Client } from "../db/client.ts";
import { openInstallationControl } from "../tenants/control_database.ts";
import { migrate } from "../db/migrate.ts";
import { AppError } from "../domain/errors.ts";
import { appendSecurityEvent } from "../security/chain.ts";
import { parseOverrides, setOverrides, setPlan, tenantIdBySlug } from "./admin.ts";
import { entitlementsFor, type TenantBilling, usageFor } from "./entitlements.ts";
import { isPlanId, PLAN_IDS } from "./plans.ts";
import { isSubscriptionStatus, loadBillingState, SUBSCRIPTION_STATUSES } from "./state.ts";
import { createStripeClient, syncPlans } from "./stripe.ts";

const USAGE = `Usage:
  billing set-plan <slug> <plan> <status> [--interval month|year] [--trial-ends YYYY-MM-DD]
                   [--past-due-since YYYY-MM-DD]
  billing override <slug> key=value ... (-key removes an override)
  billing show <slug>
  billing sync-plans
Plans: ${PLAN_IDS.join(", ")}
Statuses: ${SUBSCRIPTION_STATUSES.join(", ")}`;

function describe(slug: string, b: TenantBilling, usage: Awaited<ReturnType<typeof usageFor>>) {
  return [
    `${slug}: ${b.plan} (${
      b.source === "license" ? "licence" : b.state.status
    }), access ${b.access.mode}`,
    b.access.message ? `  ${b.access.message}` : null,
    b.source === "license"
      ? `  licence ${b.license ? `expires ${b.license.expiresAt.toISOString()}` : "NOT valid"}`
      : null,
    b.source === "subscription" && b.state.status === "trialing"
      ? `  trial ends ${b.state.trialEndsAt}`
      : null,
    b.source === "subscription" && b.state.pastDueSince
      ? `  past due since ${b.state.pastDueSince}`
      : null,
    `  seats ${usage.seats} (+${usage.pendingInvitations} invited) of ${
      b.entitlements.seats ?? "unlimited"
    }`,
    `  documents this month ${usage.documentsPerMonth} of ${
      b.entitlements.documentsPerMonth ?? "unlimited"
    }`,
    `  AI tokens this month ${usage.aiTokensPerMonth} of ${
      b.entitlements.aiTokensPerMonth ?? "unlimited"
    }`,
    `  overrides ${JSON.stringify(b.state.overrides)}`,
  ].filter((l) => l !== null).join("\n");
}

/**
 * An instant given on the command line: a full ISO instant as written, or a day, read in the
 * workspace's time zone. A trial "ending 2027-03-15" runs through that day there, so it ends at
 * the next local midnight (`end`); a "past due since" day starts at its own (`start`).
 */
function dayToIso(
  value: string | undefined,
  flag: string,
  timeZone: string,
  edge: "start" | "end",
): string | undefined {
  if (value === undefined) return undefined;
  if (DAY_PATTERN.test(value)) {
    if (!isRealDay(value)) throw new AppError("invalid_request", 400, `${flag}: no such day`);
    const day = edge === "start" ? value : addDays(value, 1);
    return dayStartIn(day, timeZone).toISOString();
  }
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(d.getTime())) {
    throw new AppError("invalid_request", 400, `${flag}: not a day (YYYY-MM-DD) or an instant`);
  }
  return d.toISOString();
}

async function timeZoneOf(control: Client, tenantId: string): Promise<string> {
  const rs = await control.execute({
    sql: "SELECT time_zone FROM tenants WHERE id = ?",
    args: [tenantId],
  });
  return String(rs.rows[0]?.time_zone ?? DEFAULT_TIME_ZONE);
}

/** Runs one billing command; returns what to print. Throws AppError on bad input. */
export async function runBillingCli(
  args: string[],
  deps: { control: Client; config: Config; clock: Clock },
): Promise<string> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      interval: { type: "string" },
      "trial-ends": { type: "string" },
      "past-due-since": { type: "string" },
    },
  });
  const [command, slug, ...rest] = positionals;
  switch (command) {
    case "set-plan": {
      const [plan, status] = rest;
      if (!slug || !isPlanId(plan) || !isSubscriptionStatus(status)) {
        throw new AppError("invalid_request", 400, USAGE);
      }
      const interval = values.interval;
      if (interval !== undefined && interval !== "month" && interval !== "year") {
        throw new AppError("invalid_request", 400, "--interval is month or year");
      }
      const tenantId = await tenantIdBySlug(deps.control, slug);
      const zone = await timeZoneOf(deps.control, tenantId);
      const billing = await setPlan(deps, tenantId, {
        plan,
        status,
        interval,
        trialEndsAt: dayToIso(values["trial-ends"], "--trial-ends", zone, "end"),
        pastDueSince: dayToIso(values["past-due-since"], "--past-due-since", zone, "start"),
      });
      return describe(slug, billing, await usageFor(deps, tenantId));
    }
    case "override": {
      if (!slug) throw new AppError("invalid_request", 400, USAGE);
      const tenantId = await tenantIdBySlug(deps.control, slug);
      const state = await loadBillingState(deps.control, tenantId);
      const billing = await setOverrides(
        deps,
        tenantId,
        parseOverrides(rest, state?.overrides ?? {}),
      );
      return describe(slug, billing, await usageFor(deps, tenantId));
    }
    case "show": {
      if (!slug) throw new AppError("invalid_request", 400, USAGE);
      const tenantId = await tenantIdBySlug(deps.control, slug);
      return describe(
        slug,
        await entitlementsFor(deps, tenantId),
        await usageFor(deps, tenantId),
      );
    }
    case "sync-plans": {
      const stripe = createStripeClient(deps.config);
      if (!stripe) {
        throw new AppError(
          "invalid_request",
          400,
          "Set STRIPE_SECRET_KEY to sync plans to Stripe.",
        );
      }
      return (await syncPlans(stripe)).join("\n");
    }
    default:
      throw new AppError("invalid_request", 400, USAGE);
  }
}

if (import.meta.main) {
  const config = loadConfig();
  const { control } = await openInstallationControl(config, console.warn);
  await migrate(control, "control");
  let code = 0;
  try {
    const clock = clockFromSetting(config.TEST_TODAY);
    console.log(await runBillingCli(Deno.args, { control, config, clock }));
    const [command, slug] = Deno.args;
    if (command === "set-plan" || command === "override") {
      // An operator's change: the operators' chain records it (security/chain.ts).
      await appendSecurityEvent(control, {
        action: "operator.billing_changed",
        target: slug ?? null,
        details: { command: Deno.args.join(" "), os_user: Deno.env.get("USER") ?? null },
      }, { now: clock.now() });
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    code = 1;
  } finally {
    control.close();
  }
  Deno.exit(code);
}
