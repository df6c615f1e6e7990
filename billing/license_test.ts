import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import {
  generateLicenseKeys,
  inspectLicense,
  issueLicense,
  LicenseError,
  verifyLicense,
} from "./license.ts";

const DAY = 86_400_000;
const keys = await generateLicenseKeys();

async function rejects(promise: Promise<unknown>, reason: string) {
  await assert.rejects(promise, (err) => err instanceof LicenseError && err.reason === reason);
}

Deno.test("a licence verifies offline and carries tenant, plan, entitlements, seats and expiry", async () => {
  const expiresAt = new Date(Math.floor((Date.now() + 365 * DAY) / 1000) * 1000);
  const token = await issueLicense(keys.privateKey, {
    tenantId: "01tenant",
    tenantSlug: "acme",
    plan: "professional",
    seats: 40,
    entitlements: { plugins: true },
    expiresAt,
  });
  const license = await verifyLicense(token, keys.publicKey, "01tenant");
  assert.equal(license.plan, "professional");
  assert.equal(license.tenantSlug, "acme");
  assert.equal(license.seats, 40);
  assert.equal(license.entitlements.seats, 40);
  assert.equal(license.entitlements.plugins, true, "the licence's own entitlement");
  assert.equal(license.entitlements.apiAccess, true, "the plan's entitlement");
  assert.equal(license.expiresAt.getTime(), expiresAt.getTime());
  assert.equal(inspectLicense(token).claims.sub, "01tenant");
  assert.equal(inspectLicense(token).header.alg, "EdDSA");
});

Deno.test("an expired licence still verifies (expiry is judged by the grace rule, not here)", async () => {
  const token = await issueLicense(keys.privateKey, {
    tenantId: "t1",
    tenantSlug: "t1",
    plan: "starter",
    expiresAt: new Date(Date.now() - 30 * DAY),
    issuedAt: new Date(Date.now() - 400 * DAY),
  });
  const license = await verifyLicense(token, keys.publicKey, "t1");
  assert.ok(license.expiresAt.getTime() < Date.now());
  assert.equal(license.seats, 3, "the plan's seats when the licence names none");
});

Deno.test("a licence for another tenant, an altered one or one from another key is rejected", async () => {
  const token = await issueLicense(keys.privateKey, {
    tenantId: "t1",
    tenantSlug: "t1",
    plan: "starter",
    expiresAt: new Date(Date.now() + DAY),
  });
  await rejects(verifyLicense(token, keys.publicKey, "t2"), "wrong_tenant");

  // Raise the plan in the payload and keep the signature.
  const [h, p, s] = token.split(".");
  const claims = JSON.parse(
    new TextDecoder().decode(
      Uint8Array.from(atob(p!.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)),
    ),
  );
  claims.plan = "enterprise";
  const forged = btoa(JSON.stringify(claims)).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
  await rejects(verifyLicense(`${h}.${forged}.${s}`, keys.publicKey, "t1"), "bad_signature");

  // Flip one character of the signature.
  const flipped = s!.slice(0, -2) + (s!.at(-2) === "A" ? "B" : "A") + s!.at(-1);
  await rejects(verifyLicense(`${h}.${p}.${flipped}`, keys.publicKey, "t1"), "bad_signature");

  const other = await generateLicenseKeys();
  await rejects(verifyLicense(token, other.publicKey, "t1"), "bad_signature");
  await rejects(verifyLicense("not-a-licence", keys.publicKey, "t1"), "malformed");
});

Deno.test("billing page: a licence installs for its own tenant only; an altered one is refused", async () => {
  const server = await startTestServer({ LICENSE_PUBLIC_KEY: keys.publicKey });
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    const forA = await issueLicense(keys.privateKey, {
      tenantId: a.tenantId,
      tenantSlug: a.slug,
      plan: "enterprise",
      expiresAt: new Date(server.services.clock.now().getTime() + 90 * DAY),
    });
    const install = (who: typeof a, license: string) =>
      server.fetch(who.host, "/settings/billing/license", {
        method: "POST",
        headers: {
          cookie: who.jar.header(who.host),
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ _csrf: who.csrf, license }).toString(),
      });
    const stored = async (tenantId: string) =>
      (await server.services.control.execute({
        sql: "SELECT plan, license_token FROM tenant_billing WHERE tenant_id = ?",
        args: [tenantId],
      })).rows[0];

    const foreign = await install(b, forA);
    assert.equal(foreign.status, 422);
    assert.match(await foreign.text(), /belongs to another workspace/);
    const [h, p, s] = forA.split(".");
    // Change one character in the middle of the signature (the last characters carry padding
    // bits, so altering them can leave the same bytes).
    const mid = Math.floor(s!.length / 2);
    const changed = s![mid] === "A" ? "B" : "A";
    const altered = await install(a, `${h}.${p}.${s!.slice(0, mid)}${changed}${s!.slice(mid + 1)}`);
    assert.equal(altered.status, 422);
    await altered.body?.cancel();
    assert.equal((await stored(a.tenantId))?.license_token ?? null, null);
    assert.equal((await stored(b.tenantId))?.license_token ?? null, null);

    const ok = await install(a, forA);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /Licence installed: Enterprise until/);
    assert.equal((await stored(a.tenantId))?.plan, "enterprise");
    const status = await server.fetch(a.host, "/api/v1/billing", {
      headers: { cookie: a.jar.header(a.host) },
    });
    const body = await status.json();
    assert.equal(body.source, "license");
    assert.equal(body.plan, "enterprise");
    assert.equal(body.access, "full");
    assert.equal(body.entitlements.seats, null);
  } finally {
    await server.close();
  }
});
