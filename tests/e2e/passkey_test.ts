/**
 * A passkey end to end in Chromium, with its virtual authenticator (CDP WebAuthn domain: a
 * platform authenticator with resident keys and user verification): add a passkey in Settings →
 * Profile, sign out, sign in with it on the login page without typing an e-mail.
 * http://<slug>.localhost is a secure context for Chromium, so WebAuthn runs without TLS.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../helpers/server.ts";
import {
  clickAndWaitForPage,
  launchBrowser,
  signInThroughPage,
  waitForIsland,
  watchErrors,
} from "./browser.ts";

Deno.test("browser: add a passkey, sign out, sign in with it (virtual authenticator)", async () => {
  const server = await startTestServer();
  const session = await launchBrowser();
  try {
    const t = await signUpTenant(server);
    const page = await session.newPage();
    const errors = watchErrors(page);
    const cdp = await page.createCDPSession();
    await cdp.send("WebAuthn.enable");
    const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "internal",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });

    const origin = await signInThroughPage(page, server.port, t);
    await page.goto(`${origin}/settings/profile`);
    await waitForIsland(page, "[data-passkey=register]");
    await page.type("#passkey-name", "Dock tablet");
    await page.type("#passkey-password", t.password);
    const added = await clickAndWaitForPage(page, "[data-passkey=register] [data-passkey-button]");
    assert.equal(added?.status(), 200);
    assert.equal(new URL(page.url()).search, "?passkey=added");
    const list = await page.$eval("#passkey-list", (el) => el.textContent ?? "");
    assert.match(list, /Dock tablet/);
    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0]!.isResidentCredential, true);
    assert.equal(credentials[0]!.rpId, t.host);

    // Sign out, then back in with the passkey alone.
    await page.click("[data-menu-toggle]");
    await clickAndWaitForPage(page, "form[action='/logout'] button");
    assert.equal(new URL(page.url()).pathname, "/login");
    await waitForIsland(page, "[data-passkey=sign-in]");
    await clickAndWaitForPage(page, "[data-passkey=sign-in] [data-passkey-button]");
    assert.equal(new URL(page.url()).pathname, "/");
    assert.match(await page.$eval("header", (el) => el.textContent ?? ""), new RegExp(t.slug));

    const row = await server.services.control.execute({
      sql: "SELECT counter, last_used_at FROM passkeys WHERE user_id = ?",
      args: [t.userId],
    });
    assert.equal(row.rows.length, 1);
    assert.ok(row.rows[0]!.last_used_at, "the sign-in was recorded on the passkey");
    assert.deepEqual(errors, []);
  } finally {
    await session.close();
    await server.close();
  }
});
