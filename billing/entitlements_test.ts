import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { putInState } from "../tests/helpers/billing.ts";
import {
  assistantOffered,
  entitlementsFor,
  mayAskAssistant,
  mayUse,
  mayUseAiTokens,
  recordUsage,
  usageFor,
} from "./entitlements.ts";
import { parseOverrides, setOverrides } from "./admin.ts";
import { PLANS } from "./plans.ts";

Deno.test("a new tenant is on a 14-day trial with the trial's entitlements", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const billing = await entitlementsFor(server.services, t.tenantId);
    assert.equal(billing.plan, "trial");
    assert.equal(billing.state.status, "trialing");
    assert.equal(billing.access.mode, "full");
    const days =
      (new Date(billing.state.trialEndsAt!).getTime() - server.services.clock.now().getTime()) /
      86_400_000;
    assert.ok(days > 13.9 && days <= 14, `trial ends in ${days} days`);
    assert.deepEqual(billing.entitlements, PLANS.trial.entitlements);
  } finally {
    await server.close();
  }
});

Deno.test("mayUse(): features follow the plan and the operator's overrides", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "starter", "active");
    let api = await mayUse(server.services, t.tenantId, "apiAccess");
    assert.equal(api.allowed, false);
    assert.equal(api.reason, "not_in_plan");
    assert.match(api.message, /API access is not part of the Starter plan/);
    assert.equal((await mayUse(server.services, t.tenantId, "reportExports")).allowed, true);

    const overrides = parseOverrides(["apiAccess=true", "seats=unlimited"], {});
    await setOverrides(server.services, t.tenantId, overrides);
    api = await mayUse(server.services, t.tenantId, "apiAccess");
    assert.equal(api.allowed, true);
    const seats = await mayUse(server.services, t.tenantId, "seats", 100);
    assert.equal(seats.limit, null);
    assert.equal(seats.allowed, true);
    assert.throws(() => parseOverrides(["wings=true"], {}), /Unknown entitlement/);
    assert.throws(() => parseOverrides(["seats=many"], {}), /whole number/);
    assert.deepEqual(parseOverrides(["-seats"], overrides), { apiAccess: true });
  } finally {
    await server.close();
  }
});

Deno.test("mayUse(): monthly counters meter documents and AI tokens against the limit", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await recordUsage(server.services, t.tenantId, "documentsPerMonth", 49);
    let docs = await mayUse(server.services, t.tenantId, "documentsPerMonth");
    assert.equal(docs.allowed, true);
    assert.equal(docs.remaining, 1);
    await recordUsage(server.services, t.tenantId, "documentsPerMonth", 1);
    docs = await mayUse(server.services, t.tenantId, "documentsPerMonth");
    assert.equal(docs.allowed, false);
    assert.equal(docs.reason, "limit_reached");
    assert.match(docs.message, /allows 50 and 50 are used/);

    // Last month's usage does not count this month.
    const lastMonth = new Date(server.services.clock.now().getTime() - 40 * 86_400_000);
    await recordUsage(server.services, t.tenantId, "aiTokensPerMonth", 199_000, lastMonth);
    await recordUsage(server.services, t.tenantId, "aiTokensPerMonth", 1_500);
    const usage = await usageFor(server.services, t.tenantId);
    assert.equal(usage.aiTokensPerMonth, 1_500);
    assert.equal(usage.documentsPerMonth, 50);
    assert.equal(
      (await mayUse(server.services, t.tenantId, "aiTokensPerMonth", 198_500)).allowed,
      true,
    );
    assert.equal(
      (await mayUse(server.services, t.tenantId, "aiTokensPerMonth", 198_501)).allowed,
      false,
    );

    // Another tenant's counters are its own.
    const other = await signUpTenant(server);
    assert.equal((await usageFor(server.services, other.tenantId)).documentsPerMonth, 0);
  } finally {
    await server.close();
  }
});

Deno.test("mayUse(): a read-only tenant may not consume metered entitlements (upload, AI)", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "professional", "canceled");
    for (const key of ["documentsPerMonth", "aiTokensPerMonth", "seats"] as const) {
      const d = await mayUse(server.services, t.tenantId, key);
      assert.equal(d.allowed, false, key);
      assert.equal(d.reason, "read_only", key);
    }
    // Features are a matter of plan, not of payment: reading through the API stays possible.
    assert.equal((await mayUse(server.services, t.tenantId, "apiAccess")).allowed, true);
  } finally {
    await server.close();
  }
});

Deno.test("mayAskAssistant(): the plan must have the assistant and AI tokens must be left this month", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const current = () => entitlementsFor(server.services, t.tenantId);
    assert.equal((await mayAskAssistant(server.services, t.tenantId)).allowed, true);
    assert.equal(assistantOffered(await current()), true);

    await recordUsage(
      server.services,
      t.tenantId,
      "aiTokensPerMonth",
      PLANS.trial.entitlements.aiTokensPerMonth! - 1,
    );
    assert.equal((await mayAskAssistant(server.services, t.tenantId)).allowed, true);
    assert.equal((await mayUseAiTokens(server.services, t.tenantId)).remaining, 1);
    await recordUsage(server.services, t.tenantId, "aiTokensPerMonth", 1);
    const spent = await mayAskAssistant(server.services, t.tenantId);
    assert.equal(spent.allowed, false);
    assert.equal(spent.key, "aiTokensPerMonth");
    assert.equal(spent.reason, "limit_reached");
    assert.equal((await mayUseAiTokens(server.services, t.tenantId)).allowed, false);
    // Offered still (the tokens are checked on asking, which explains the limit).
    assert.equal(assistantOffered(await current()), true);

    await putInState(server.services, t.tenantId, "starter", "active");
    const starter = await mayAskAssistant(server.services, t.tenantId);
    assert.equal(starter.key, "aiAssistant");
    assert.equal(starter.reason, "not_in_plan");
    assert.equal(assistantOffered(await current()), false);

    await putInState(server.services, t.tenantId, "enterprise", "active");
    assert.equal((await mayAskAssistant(server.services, t.tenantId)).allowed, true, "unlimited");
    assert.equal(assistantOffered(await current()), true);
    await putInState(server.services, t.tenantId, "enterprise", "canceled");
    assert.equal((await mayAskAssistant(server.services, t.tenantId)).reason, "read_only");
    assert.equal((await mayUseAiTokens(server.services, t.tenantId)).allowed, false);
    assert.equal(assistantOffered(await current()), false);
    assert.equal(assistantOffered(undefined), false);
  } finally {
    await server.close();
  }
});
