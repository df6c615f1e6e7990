/**
 * @module billing/errors
 * The refusal billing raises: 402 `payment_required`, with details saying why (read-only
 * workspace, feature not in the plan, limit reached) and where to fix it.
 */
import { AppError } from "../domain/errors.ts";
import type { Decision, TenantBilling } from "./entitlements.ts";

export const BILLING_PATH = "/settings/billing";

/** The plan or the payment state does not allow this request. */
export class PaymentRequiredError extends AppError {
  constructor(message: string, details: Record<string, unknown>) {
    super("payment_required", 402, message, { ...details, billing_url: BILLING_PATH });
  }
}

/** The refusal for a write while the workspace is read-only. */
export function readOnlyError(billing: TenantBilling): PaymentRequiredError {
  return new PaymentRequiredError(billing.access.message, {
    reason: "read_only",
    access: billing.access.reason,
    plan: billing.plan,
    status: billing.source === "license" ? "license" : billing.state.status,
  });
}

/** The refusal for a feature or a limit the plan does not allow. */
export function entitlementError(decision: Decision): PaymentRequiredError {
  return new PaymentRequiredError(decision.message, {
    reason: decision.reason,
    feature: decision.key,
    plan: decision.plan,
    limit: decision.limit,
    used: decision.used,
    remaining: decision.remaining,
  });
}
