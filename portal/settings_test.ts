import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { withTenantDb } from "../tests/helpers/portal.ts";
import {
  paymentSettings,
  PaymentSettingsSchema,
  removeStripeAccount,
  savePaymentSettings,
  tenantStripe,
} from "./settings.ts";

Deno.test("savePaymentSettings() seals the tenant's Stripe secrets; only that tenant unseals them", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server, "sealone");
    const b = await signUpTenant(server, "sealtwo");
    const keys = server.services.tenantKeys;
    const by = { name: "Olive Owner", at: "2026-11-20T18:00:00Z" };
    await withTenantDb(server, a.tenantId, async (db) => {
      assert.equal(await tenantStripe(db, keys, a.tenantId), null, "off until both are stored");
      assert.equal((await paymentSettings(db)).linkDays, 60);
      const input = PaymentSettingsSchema.parse({
        link_days: "30",
        stripe_secret_key: "sk_live_abcdefgh12345678",
        stripe_webhook_secret: "whsec_zyxwvuts9876",
      });
      const shown = await savePaymentSettings(db, keys, a.tenantId, input, by);
      assert.deepEqual(shown, {
        linkDays: 30,
        stripeSecretLast4: "5678",
        webhookSecretLast4: "9876",
        updatedAt: by.at,
        updatedBy: by.name,
      });
      const row = (await db.execute("SELECT * FROM portal_settings")).rows[0]!;
      assert.doesNotMatch(JSON.stringify(row), /abcdefgh|zyxwvuts/);
      assert.deepEqual(await tenantStripe(db, keys, a.tenantId), {
        secretKey: "sk_live_abcdefgh12345678",
        webhookSecret: "whsec_zyxwvuts9876",
      });
      // Sealed for this tenant: under another tenant's keys they do not open.
      assert.equal(await tenantStripe(db, keys, b.tenantId), null);
      // Empty fields keep what is stored.
      await savePaymentSettings(
        db,
        keys,
        a.tenantId,
        PaymentSettingsSchema.parse({ link_days: 45 }),
        by,
      );
      assert.equal(
        (await tenantStripe(db, keys, a.tenantId))?.secretKey,
        "sk_live_abcdefgh12345678",
      );
      assert.equal((await paymentSettings(db)).linkDays, 45);
      await removeStripeAccount(db, by);
      assert.equal(await tenantStripe(db, keys, a.tenantId), null);
      assert.equal((await paymentSettings(db)).stripeSecretLast4, null);
    });
    for (
      const bad of [{ link_days: 0 }, { link_days: 400 }, {
        link_days: 5,
        stripe_secret_key: "pk_live_x",
      }]
    ) {
      assert.equal(PaymentSettingsSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
  } finally {
    await server.close();
  }
});
