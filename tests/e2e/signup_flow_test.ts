/**
 * The newcomer's path in a real browser: sign up a company on the bare domain, land signed in on
 * its own subdomain, see the app shell, invite a colleague, create an API token, sign out and
 * sign in again. Run at desktop and phone sizes.
 */
import assert from "node:assert/strict";
import { startTestServer } from "../helpers/server.ts";
import { clickAndWaitForPage, DESKTOP, launchBrowser, PHONE, watchErrors } from "./browser.ts";

for (const [label, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
  Deno.test(`browser: sign up, app shell, invite, token, sign out and in again (${label})`, async () => {
    const server = await startTestServer();
    const session = await launchBrowser();
    try {
      const page = await session.newPage(viewport);
      const errors = watchErrors(page);
      const slug = `e2e${label}`;
      const base = `http://localhost:${server.port}`;

      await page.goto(`${base}/`);
      assert.match(await page.title(), /ProjectMeats/);
      await page.click("a[href='/signup']");
      await page.waitForSelector("form[action='/signup']");
      await page.type("#company_name", "Heartland Protein Brokers");
      await page.type("#slug", slug);
      await page.type("#owner_name", "Hank Heartland");
      await page.type("#email", `hank@${slug}.example`);
      await page.type("#password", "t-bone and tenderloin 9");
      await clickAndWaitForPage(page, "form[action='/signup'] button[type=submit]");

      // Signed in on the company's own subdomain, inside the app shell.
      const url = new URL(page.url());
      assert.equal(url.host, `${slug}.localhost:${server.port}`);
      assert.equal(url.pathname, "/");
      const shell = await page.$eval("header", (el) => el.textContent ?? "");
      assert.match(shell, /Heartland Protein Brokers/);
      assert.ok(await page.$("main h1"), "the dashboard has a heading");

      // Invite a colleague as a broker: first the owner's own address must be confirmed.
      const invite = async () => {
        await page.goto(`http://${slug}.localhost:${server.port}/settings/members`);
        await page.type("#invite-email", "bea@heartland.example");
        await page.select("#invite-role", "broker");
        await clickAndWaitForPage(page, "#invite-form button[type=submit]");
      };
      await invite();
      const refused = await page.$eval("main", (el) => el.textContent ?? "");
      assert.match(refused, /Confirm your e-mail address before inviting anyone/);
      // That refusal is a 403 page, which the browser logs; it is the one error expected here.
      assert.deepEqual(errors.splice(0), [
        "console: Failed to load resource: the server responded with a status of 403 (Forbidden)",
      ]);
      const welcome = await server.services.control.execute({
        sql: "SELECT body_text FROM outbox WHERE to_addr = ? ORDER BY created_at",
        args: [`hank@${slug}.example`],
      });
      const confirmLink = welcome.rows.map((r) => String(r.body_text))
        .map((text) => /https?:\/\/\S*\/auth\/verify\?\S+/.exec(text)?.[0]).find(Boolean);
      assert.ok(confirmLink, "the sign-up mailed a confirmation link");
      await page.goto(confirmLink);
      await invite();
      const pending = await page.$eval("#pending-invitations", (el) => el.textContent ?? "");
      assert.match(pending, /bea@heartland\.example/);
      assert.match(pending, /broker/);
      const mail = await server.services.control.execute(
        "SELECT subject, body_text FROM outbox WHERE to_addr = 'bea@heartland.example'",
      );
      assert.equal(mail.rows.length, 1, "the invitation e-mail is in the outbox");

      // Create an API token and call the API with it.
      await page.goto(`http://${slug}.localhost:${server.port}/settings/tokens`);
      await page.type("#name", "e2e script");
      await clickAndWaitForPage(page, "form[action='/settings/tokens'] button[type=submit]");
      const token = await page.$eval("#new-token", (el) => el.textContent ?? "");
      assert.match(token, /^pm_/);
      // The copy button is an island: it only reacts once hydrated in the browser.
      await page.click("[data-copy-button]");
      await page.waitForFunction(() =>
        /Copied|Select and copy/.test(
          document.querySelector("[data-copy-button]")?.textContent ?? "",
        )
      );
      const me = await server.fetch(`${slug}.localhost`, "/api/v1/me", {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(me.status, 200);
      assert.equal((await me.json()).user.email, `hank@${slug}.example`);

      // Sign out, then back in through the tenant's login page.
      await page.click("[data-menu-toggle]");
      await clickAndWaitForPage(page, "form[action='/logout'] button");
      assert.equal(new URL(page.url()).pathname, "/login");
      await page.goto(`http://${slug}.localhost:${server.port}/settings/tokens`);
      assert.equal(new URL(page.url()).pathname, "/login", "signed out: pages ask to sign in");
      await page.type("#email", `hank@${slug}.example`);
      await page.type("#password", "t-bone and tenderloin 9");
      await clickAndWaitForPage(page, "form[action='/login'] button[type=submit]");
      assert.equal(new URL(page.url()).pathname, "/settings/tokens", "back where they were going");

      // Nothing scrolls sideways at this width but the tables inside their wrappers.
      const overflow = await page.evaluate(() =>
        document.documentElement.scrollWidth - document.documentElement.clientWidth
      );
      assert.ok(overflow <= 1, `page overflows horizontally by ${overflow}px`);
      assert.deepEqual(errors, []);
    } finally {
      await session.close();
      await server.close();
    }
  });
}
