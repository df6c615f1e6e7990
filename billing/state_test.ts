import assert from "node:assert/strict";
import { accessFor, accessForLicense, type BillingState } from "./state.ts";

const DAY = 86_400_000;
const now = new Date("2026-11-15T12:00:00Z");
const ago = (days: number) => new Date(now.getTime() - days * DAY).toISOString();

function state(patch: Partial<BillingState>): BillingState {
  return {
    tenantId: "t",
    plan: "professional",
    interval: "month",
    status: "active",
    trialEndsAt: null,
    currentPeriodEnd: null,
    pastDueSince: null,
    cancelAtPeriodEnd: false,
    stripeCustomerId: null,
    stripeSubscriptionId: null,
    stripeSyncedAt: 0,
    stripeSyncedRank: 0,
    overrides: {},
    licenseToken: null,
    ...patch,
  };
}

Deno.test("accessFor(): trialing and active are full; past_due is grace, then read-only", () => {
  const cases: Array<[Partial<BillingState>, string, string]> = [
    [{ status: "active" }, "full", "active"],
    [{ status: "trialing", trialEndsAt: ago(-3) }, "full", "trialing"],
    [{ status: "trialing", trialEndsAt: ago(1) }, "read_only", "trial_ended"],
    [{ status: "past_due", pastDueSince: ago(1) }, "grace", "past_due"],
    [{ status: "past_due", pastDueSince: ago(6.9) }, "grace", "past_due"],
    [{ status: "past_due", pastDueSince: ago(7.1) }, "read_only", "grace_expired"],
    [{ status: "unpaid", pastDueSince: ago(1) }, "read_only", "unpaid"],
    [{ status: "canceled" }, "read_only", "canceled"],
    [{ status: "incomplete_expired" }, "read_only", "incomplete_expired"],
    [{ status: "paused" }, "read_only", "paused"],
  ];
  for (const [patch, mode, reason] of cases) {
    const access = accessFor(state(patch), now, 7);
    assert.equal(access.mode, mode, JSON.stringify(patch));
    assert.equal(access.reason, reason, JSON.stringify(patch));
    if (mode === "read_only") assert.match(access.message, /read-only/);
  }
});

Deno.test("accessFor(): the grace period is configurable and names its end", () => {
  const access = accessFor(state({ status: "past_due", pastDueSince: ago(2) }), now, 3);
  assert.equal(access.mode, "grace");
  assert.equal(access.graceEndsAt, new Date(now.getTime() + DAY).toISOString());
  assert.equal(
    accessFor(state({ status: "past_due", pastDueSince: ago(2) }), now, 1).mode,
    "read_only",
  );
  assert.equal(
    accessFor(state({ status: "past_due", pastDueSince: ago(0) }), now, 0).mode,
    "read_only",
  );
});

Deno.test("accessForLicense(): full until expiry, grace after, then read-only; none is read-only", () => {
  assert.equal(accessForLicense(new Date(now.getTime() + DAY), now, 7).mode, "full");
  assert.equal(accessForLicense(new Date(now.getTime() - DAY), now, 7).mode, "grace");
  assert.equal(accessForLicense(new Date(now.getTime() - 8 * DAY), now, 7).mode, "read_only");
  assert.equal(accessForLicense(null, now, 7).reason, "license_invalid");
});
