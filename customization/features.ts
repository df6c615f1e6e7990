/**
 * @module customization/features
 * Feature switches per tenant: `features` in the configuration document, combined with what the
 * plan allows through billing/entitlements.ts, the one module that answers "may this tenant use
 * X". A switch can only take a feature away: the plan's entitlements still win, so turning the
 * assistant on in a plan without it changes nothing. Pages hide what is off (navigation, buttons)
 * and `requireFeature` (customization/middleware.ts) refuses its routes with 404.
 */
import { assistantOffered, type TenantBilling } from "../billing/entitlements.ts";
import type { Configuration } from "./document/schema.ts";
import { approvalRulesOn } from "./approvals_menu.ts";
import type { FeatureSwitch, NavigationKey } from "./document/shaping.ts";

export type { FeatureSwitch };

/** Whether the tenant has `feature` on: its switch, then its plan (which wins). */
export function featureOn(
  config: Configuration | undefined | null,
  billing: TenantBilling | undefined,
  feature: FeatureSwitch,
): boolean {
  if (config && config.features[feature] === false) return false;
  if (feature === "assistant") return assistantOffered(billing);
  return true;
}

/** The navigation entries a switched-off feature takes away. */
export function navigationShown(
  config: Configuration | undefined | null,
  billing: TenantBilling | undefined,
  key: NavigationKey,
): boolean {
  if (key === "assistant" || key === "documents" || key === "reports") {
    return featureOn(config, billing, key);
  }
  // Approvals only while a rule asks for them (customization/approvals_menu.ts).
  if (key === "approvals") return approvalRulesOn(config);
  return true;
}
