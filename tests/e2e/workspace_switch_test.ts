/**
 * The workspace switcher in a real browser (issue 17): a person who belongs to two companies opens
 * the user menu on one workspace's host, picks the other, and lands signed in on the other host;
 * the first host's session stays where it was, and a workspace they do not belong to is not listed.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../helpers/server.ts";
import { clickAndWaitForPage, launchBrowser, signInThroughPage, watchErrors } from "./browser.ts";

Deno.test("browser: the user menu switches to the person's other workspace on its own host", async () => {
  const server = await startTestServer();
  const session = await launchBrowser();
  try {
    const home = await signUpTenant(server, "switchhome");
    const other = await signUpTenant(server, "switchother");
    const stranger = await signUpTenant(server, "switchstranger");
    await server.services.control.batch([
      {
        sql: "INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
        args: [other.tenantId, home.userId, "accounting", new Date().toISOString()],
      },
      {
        sql: "UPDATE users SET email_verified_at = ? WHERE id = ?",
        args: [new Date().toISOString(), home.userId],
      },
    ], "write");

    const page = await session.newPage();
    const errors = watchErrors(page);
    const base = await signInThroughPage(page, server.port, home);
    await page.goto(`${base}/`);
    await page.click("details.user-menu > summary");
    const listed = await page.$$eval(
      "details.user-menu [data-switch-to]",
      (bs) => bs.map((b) => b.getAttribute("data-switch-to")),
    );
    assert.deepEqual(listed, [other.tenantId], "only the other workspace; never the stranger's");
    assert.ok(!listed.includes(stranger.tenantId));

    await clickAndWaitForPage(page, `details.user-menu [data-switch-to="${other.tenantId}"]`);
    const landed = new URL(page.url());
    assert.equal(landed.hostname, other.host);
    assert.equal(landed.pathname, "/");
    const me = await page.evaluate(async () => (await fetch("/api/v1/me")).json());
    assert.equal(me.user?.id ?? me.id, home.userId);
    // The cookie is the other host's own: the first host's session cookie never travelled.
    const otherCookies = await page.cookies(`http://${other.host}:${server.port}/`);
    const homeCookies = await page.cookies(`http://${home.host}:${server.port}/`);
    const sessionOf = (list: typeof otherCookies) =>
      list.find((c) => c.name === "pm_session")?.value;
    assert.ok(sessionOf(otherCookies));
    assert.notEqual(sessionOf(otherCookies), sessionOf(homeCookies));
    assert.ok(sessionOf(homeCookies), "still signed in at home");
    assert.deepEqual(errors, []);
  } finally {
    await session.close();
    await server.close();
  }
});
