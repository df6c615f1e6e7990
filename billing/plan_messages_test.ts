/**
 * The plan's refusals in the reader's language (issue 17): billing writes English (the API's
 * `message` by default); pages, and API clients that ask with Accept-Language, read them through
 * the patterns of domain/error_text.ts. The English below is produced by the billing code itself,
 * so a reworded message without its pattern fails here.
 */
import assert from "node:assert/strict";
import { CATALOGUES, translator } from "../i18n/mod.ts";
import { translateErrorText } from "../domain/error_text.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { putInState } from "../tests/helpers/billing.ts";
import { confirmAddress } from "../tests/helpers/members.ts";
import { decide, type TenantBilling } from "./entitlements.ts";
import { type FeatureKey, PLANS } from "./plans.ts";
import {
  accessFor,
  accessForLicense,
  type BillingState,
  type SubscriptionStatus,
} from "./state.ts";

const es = translator("es");
const spanish = (text: string) => translateErrorText(text, CATALOGUES.en, es);
const NOW = new Date("2026-03-10T12:00:00Z");
const DAY = 86_400_000;

function state(status: SubscriptionStatus, plan: BillingState["plan"] = "starter"): BillingState {
  return {
    tenantId: "t1",
    plan,
    interval: null,
    status,
    trialEndsAt: new Date(NOW.getTime() - DAY).toISOString(),
    currentPeriodEnd: null,
    pastDueSince: new Date(NOW.getTime() - 2 * DAY).toISOString(),
    cancelAtPeriodEnd: false,
    stripeCustomerId: null,
    stripeSubscriptionId: null,
    stripeSyncedAt: 0,
    stripeSyncedRank: 0,
    overrides: {},
    licenseToken: null,
  };
}

function billingOn(plan: BillingState["plan"]): TenantBilling {
  return {
    tenantId: "t1",
    plan,
    source: "subscription",
    state: state("active", plan),
    license: null,
    access: accessFor(state("active", plan), NOW, 7),
    entitlements: PLANS[plan].entitlements,
  };
}

/** True when a Spanish text still carries an English sentence of the message it came from. */
function englishIn(text: string): boolean {
  return /\b(the|plan allows|are used|Upgrade|workspace|licence|payment|is not part)\b/.test(text);
}

Deno.test("every plan refusal billing writes reads Spanish, its numbers and plan kept", () => {
  const starter = billingOn("starter");
  const trial = billingOn("trial");
  const full = { seats: 3, pendingInvitations: 0, documentsPerMonth: 500, aiTokensPerMonth: 1e9 };
  const refusals: string[] = [];
  for (
    const key of ["apiAccess", "customDomain", "plugins", "sso", "aiAssistant"] as FeatureKey[]
  ) {
    for (const billing of [starter, trial]) {
      const d = decide(billing, full, key);
      if (!d.allowed) refusals.push(d.message);
    }
  }
  for (const key of ["seats", "documentsPerMonth", "aiTokensPerMonth"] as const) {
    const d = decide(starter, full, key);
    assert.equal(d.reason, "limit_reached", key);
    refusals.push(d.message);
  }
  for (
    const status of ["trialing", "past_due", "unpaid", "canceled", "incomplete_expired", "paused"]
  ) {
    const past = status === "past_due" ? { ...state("past_due"), pastDueSince: "2026-01-01" } : {};
    refusals.push(accessFor({ ...state(status as SubscriptionStatus), ...past }, NOW, 7).message);
  }
  refusals.push(accessFor(state("past_due"), NOW, 7).message); // in grace
  refusals.push(accessForLicense(null, NOW, 7).message);
  refusals.push(accessForLicense(new Date(NOW.getTime() - 3 * DAY), NOW, 7).message);
  refusals.push(accessForLicense(new Date(NOW.getTime() - 30 * DAY), NOW, 7).message);
  assert.ok(refusals.length >= 15, `${refusals.length} refusals`);
  const left = refusals.filter((english) => {
    const text = spanish(english);
    return text === english || englishIn(text);
  });
  assert.deepEqual(left, []);

  const seats = spanish(decide(starter, full, "seats").message);
  assert.equal(
    seats,
    "Los 3 puestos del plan Starter están ocupados (miembros e invitaciones pendientes). " +
      "Cambie de plan en la página de facturación, o quite un miembro o una invitación.",
  );
  const trialWithoutApi = { ...trial, entitlements: { ...trial.entitlements, apiAccess: false } };
  assert.match(
    spanish(decide(trialWithoutApi, full, "apiAccess").message),
    /^El acceso a la API no forma parte del plan Prueba gratuita\./,
  );
  assert.match(
    spanish(decide(starter, full, "documentsPerMonth").message),
    /permite 100 y ya se usaron 500\./,
  );
  // English stays as billing wrote it.
  assert.equal(
    translateErrorText(decide(starter, full, "seats").message, CATALOGUES.en, translator("en")),
    decide(starter, full, "seats").message,
  );
});

Deno.test("a Spanish member over the seat limit, and an API client asking for Spanish, read the refusal in Spanish", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    await confirmAddress(server, tenant.userId); // inviting needs a confirmed address
    const api = await apiClient(server, tenant);
    const cookie = tenant.jar.header(tenant.host);
    const post = (path: string, body: Record<string, string>) =>
      server.fetch(tenant.host, path, {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: tenant.csrf, ...body }).toString(),
      });
    const saved = await post("/settings/profile/language", { language: "es" });
    assert.equal(saved.status, 200);
    await saved.body?.cancel();
    await putInState(server.services, tenant.tenantId, "starter", "active");
    for (const email of ["a@seats.example", "b@seats.example"]) {
      const ok = await post("/settings/members/invite", { email, role: "broker" });
      assert.equal(ok.status, 303);
      await ok.body?.cancel();
    }
    const refused = await post("/settings/members/invite", {
      email: "c@seats.example",
      role: "broker",
    });
    assert.equal(refused.status, 402);
    const html = await refused.text();
    assert.match(html, /Los 3 puestos del plan Starter están ocupados/);
    assert.doesNotMatch(html, /seats of the Starter plan are taken|Upgrade on the billing page/);
    const invited = await server.services.control.execute({
      sql: "SELECT COUNT(*) AS n FROM invitations WHERE tenant_id = ? AND email = ?",
      args: [tenant.tenantId, "c@seats.example"],
    });
    assert.equal(Number(invited.rows[0]!.n), 0, "no invitation was written");

    // The plan lacks API access: English by default, Spanish when asked, the same code.
    const english = await api.call("GET", "/api/v1/me");
    assert.equal(english.status, 402);
    assert.equal(english.body.error.code, "payment_required");
    assert.match(english.body.error.message, /^API access is not part of the Starter plan\./);
    const asked = await server.fetch(tenant.host, "/api/v1/me", {
      headers: { authorization: `Bearer ${api.token}`, "accept-language": "es" },
    });
    const body = await asked.json();
    assert.equal(asked.status, 402);
    assert.equal(body.error.code, "payment_required");
    assert.equal(body.error.details.feature, "apiAccess");
    assert.equal(
      body.error.message,
      "El acceso a la API no forma parte del plan Starter. Cambie de plan en la página de " +
        "facturación para usarlo.",
    );

    // A read-only workspace refuses a form with a Spanish page.
    await putInState(server.services, tenant.tenantId, "starter", "canceled");
    const write = await post("/customers", { name: "Carnes Norte" });
    assert.equal(write.status, 402);
    const page = await write.text();
    assert.match(page, /Este espacio de trabajo es de solo lectura/);
    assert.match(page, /La suscripción fue cancelada\. El espacio de trabajo es de solo lectura/);
    assert.doesNotMatch(page, /This workspace is read-only|Nothing has been deleted|was canceled/);
    assert.match(page, /id="billing-banner"[\s\S]*Espacio de trabajo de solo lectura\./);
    assert.doesNotMatch(page, /Read-only workspace\.|Update billing/);
    // The billing page says the same in Spanish.
    const billingPage = await (await server.fetch(tenant.host, "/settings/billing", {
      headers: { cookie },
    })).text();
    assert.match(billingPage, /<p>La suscripción fue cancelada\. El espacio de trabajo es de solo/);
    assert.doesNotMatch(billingPage, /The subscription was canceled/);
  } finally {
    await server.close();
  }
});
