import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { runBillingCli } from "./cli.ts";
import { parseExpiry, runLicenseCli } from "./license_cli.ts";
import { entitlementsFor } from "./entitlements.ts";
import { parseConfig } from "../config.ts";

Deno.test("billing CLI: set-plan, override and show change and report a tenant offline", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const { control, config, clock } = server.services;
    const deps = { control, config, clock };
    const out = await runBillingCli(
      ["set-plan", t.slug, "starter", "past_due", "--past-due-since", "2020-01-01"],
      deps,
    );
    assert.match(out, /starter \(past_due\), access read_only/);
    let billing = await entitlementsFor(server.services, t.tenantId);
    assert.equal(billing.plan, "starter");
    // A day is read in the workspace's time zone (a new one's is America/Chicago, CST in January).
    assert.equal(billing.state.pastDueSince, "2020-01-01T06:00:00.000Z");

    // A trial "ending 2027-03-15" runs through that day in Chicago (CDT from the 14th).
    await runBillingCli(
      ["set-plan", t.slug, "trial", "trialing", "--trial-ends", "2027-03-15"],
      deps,
    );
    billing = await entitlementsFor(server.services, t.tenantId);
    assert.equal(billing.state.trialEndsAt, "2027-03-16T05:00:00.000Z");
    for (const bad of ["2027-02-30", "12/06/26", "soon"]) {
      await assert.rejects(
        runBillingCli(["set-plan", t.slug, "trial", "trialing", "--trial-ends", bad], deps),
        /--trial-ends/,
        bad,
      );
    }

    await runBillingCli(["set-plan", t.slug, "professional", "active"], deps);
    billing = await entitlementsFor(server.services, t.tenantId);
    assert.equal(billing.access.mode, "full");
    assert.equal(billing.state.pastDueSince, null, "leaving past_due ends the grace clock");

    await runBillingCli(["override", t.slug, "seats=2", "plugins=true"], deps);
    billing = await entitlementsFor(server.services, t.tenantId);
    assert.equal(billing.entitlements.seats, 2);
    assert.equal(billing.entitlements.plugins, true);
    assert.match(await runBillingCli(["show", t.slug], deps), /seats 1 \(\+0 invited\) of 2/);

    await assert.rejects(runBillingCli(["set-plan", t.slug, "gold", "active"], deps), /Usage/);
    await assert.rejects(
      runBillingCli(["set-plan", "nobody", "starter", "active"], deps),
      /no tenant/,
    );
    await assert.rejects(runBillingCli(["sync-plans"], deps), /STRIPE_SECRET_KEY/);
    assert.equal((await entitlementsFor(server.services, t.tenantId)).plan, "professional");
  } finally {
    await server.close();
  }
});

Deno.test("license CLI: keygen, issue for a tenant, inspect, install; expiry as a date or days", async () => {
  const keygen = await runLicenseCli(["keygen"], {
    config: parseConfig({}),
    openControl: () => Promise.reject(new Error("not needed")),
  });
  const publicKey = /LICENSE_PUBLIC_KEY=(\S+)/.exec(keygen)![1]!;
  const privateKey = /LICENSE_PRIVATE_KEY=(\S+)/.exec(keygen)![1]!;
  const server = await startTestServer({ LICENSE_PUBLIC_KEY: publicKey });
  try {
    const t = await signUpTenant(server);
    const deps = {
      config: server.services.config,
      privateKey,
      openControl: () => Promise.resolve(server.services.control),
    };
    const token = await runLicenseCli(
      ["issue", "--tenant", t.slug, "--plan", "professional", "--expires", "30d", "--seats", "7"],
      deps,
    );
    const shown = await runLicenseCli(["inspect", token], deps);
    assert.match(shown, /"seats": 7/);
    assert.match(shown, /signature: valid/);
    const tampered = token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
    assert.match(await runLicenseCli(["inspect", tampered], deps), /signature: NOT valid/);

    assert.match(await runLicenseCli(["install", t.slug, token], deps), /professional until/);
    const billing = await entitlementsFor(server.services, t.tenantId);
    assert.equal(billing.source, "license");
    assert.equal(billing.entitlements.seats, 7);
    await assert.rejects(
      runLicenseCli(["issue", "--tenant", t.slug, "--plan", "professional", "--expires", "30d"], {
        ...deps,
        privateKey: undefined,
      }),
      /LICENSE_PRIVATE_KEY/,
    );
  } finally {
    await server.close();
  }
  const now = new Date("2026-01-01T00:00:00Z");
  assert.equal(parseExpiry("10d", now).toISOString(), "2026-01-11T00:00:00.000Z");
  assert.equal(parseExpiry("2027-03-31").toISOString(), "2027-03-31T23:59:59.000Z");
  assert.throws(() => parseExpiry("soon"), /not a date/);
  assert.throws(() => parseExpiry("12/06/26"), /not a date/);
  assert.throws(() => parseExpiry("2027-02-30"), /does not exist/);
  assert.equal(parseExpiry("2027-03-31T12:00:00Z").toISOString(), "2027-03-31T12:00:00.000Z");
});
