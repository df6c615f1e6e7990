import assert from "node:assert/strict";
import type { TenantBilling } from "../billing/entitlements.ts";
import { PLANS } from "../billing/plans.ts";
import { validConfiguration } from "./document/parse.ts";
import { featureOn, navigationShown } from "./features.ts";

/** A tenant's billing on `plan`, with full access unless said otherwise. */
function billingOn(
  plan: "starter" | "professional",
  mode: "full" | "read_only" = "full",
): TenantBilling {
  return {
    tenantId: "t",
    plan,
    source: "subscription",
    state: {} as TenantBilling["state"],
    license: null,
    access: { mode, message: "" } as TenantBilling["access"],
    entitlements: PLANS[plan].entitlements,
  };
}

const allOn = validConfiguration({});
const assistantOff = validConfiguration({ features: { assistant: false, reports: false } });

Deno.test("a switch takes a feature away; the plan's entitlements still win", () => {
  assert.equal(PLANS.professional.entitlements.aiAssistant, true);
  assert.equal(PLANS.starter.entitlements.aiAssistant, false);
  assert.equal(featureOn(allOn, billingOn("professional"), "assistant"), true);
  assert.equal(featureOn(assistantOff, billingOn("professional"), "assistant"), false);
  // Switched on (the default) in a plan without the assistant: still off.
  assert.equal(featureOn(allOn, billingOn("starter"), "assistant"), false);
  assert.equal(featureOn(allOn, billingOn("professional", "read_only"), "assistant"), false);
  // Features no plan limits follow the switch alone.
  assert.equal(featureOn(allOn, undefined, "reports"), true);
  assert.equal(featureOn(assistantOff, undefined, "reports"), false);
  assert.equal(featureOn(undefined, undefined, "csv_export"), true);
});

Deno.test("the navigation drops the entries of switched-off features only", () => {
  const billing = billingOn("professional");
  assert.equal(navigationShown(assistantOff, billing, "reports"), false);
  assert.equal(navigationShown(assistantOff, billing, "assistant"), false);
  assert.equal(navigationShown(assistantOff, billing, "documents"), true);
  assert.equal(navigationShown(assistantOff, billing, "suppliers"), true);
  assert.equal(navigationShown(allOn, billingOn("starter"), "assistant"), false);
});
