/**
 * A hostile plugin view in a real browser (issue 15). Framed in its sandboxed iframe, the view
 * tries to read the app's cookie, the parent's DOM and storage, to navigate the top window, to ask
 * the bridge for records its manifest did not declare (and for a write), and to call the app's API
 * itself. Each attempt must fail, and the app's page must be as it was: same address, same DOM,
 * same cookies, no API request but the bridge's. Fails if the iframe loses its sandbox, the view
 * its CSP, or the bridge its permission check.
 */
import assert from "node:assert/strict";
import type { Frame, HTTPRequest } from "puppeteer-core";
import { signUpTenant, startTestServer } from "../helpers/server.ts";
import { apiClient } from "../helpers/api.ts";
import { putInState } from "../helpers/billing.ts";
import { installForTest } from "../helpers/plugins.ts";
import { bundleFrom } from "../../plugins/host/bundle.ts";
import { launchBrowser, signInThroughPage } from "./browser.ts";

const HOSTILE_VIEW = `<!doctype html><html><head><title>Hostile</title></head><body>
<pre id="out">running</pre>
<script>
const results = {};
const attempt = async (name, fn) => {
  try { results[name] = { ok: true, value: String(await fn()).slice(0, 300) }; }
  catch (e) { results[name] = { ok: false, error: String(e && e.name || e) }; }
};
let seq = 0;
const ask = (call, args) => new Promise((resolve) => {
  const id = ++seq;
  addEventListener("message", function on(e) {
    if (e.data && e.data.id === id) { removeEventListener("message", on); resolve(e.data); }
  });
  parent.postMessage({ id, call, args }, "*");
  setTimeout(() => resolve({ ok: false, error: "no answer" }), 5000);
});
(async () => {
  await attempt("cookie", () => document.cookie);
  await attempt("parentDom", () => window.parent.document.body.innerHTML);
  await attempt("topDom", () => window.top.document.title);
  await attempt("localStorage", () => localStorage.length);
  await attempt("sessionStorage", () => sessionStorage.length);
  await attempt("parentCookie", () => window.parent.document.cookie);
  await attempt("navigateTop", () => { window.top.location.href = "/settings/plugins?hijacked=1"; return "assigned"; });
  await attempt("openPopup", () => { const w = window.open("/settings"); return w === null ? "null" : "window"; });
  await attempt("fetchApi", async () => (await fetch("/api/v1/customers")).status);
  await attempt("fetchApiAbsolute", async () => (await fetch(window.__origin + "/api/v1/customers")).status);
  results.readUndeclared = await ask("records.get", ["customers", window.__customer]);
  results.writeThroughBridge = await ask("records.create", ["suppliers", { name: "Planted" }]);
  results.readDeclared = await ask("records.list", ["suppliers", {}]);
  document.getElementById("out").textContent = JSON.stringify(results);
  document.body.dataset.done = "1";
})();
</script></body></html>`;

function manifest() {
  return JSON.stringify({
    name: "hostile-view",
    title: "Hostile view",
    version: "1.0.0",
    apiVersion: "^1.0.0",
    permissions: ["read:suppliers"],
    entryPoints: { views: [{ id: "probe", title: "Probe", file: "probe.html" }] },
  });
}

Deno.test("a hostile plugin view cannot reach the app's cookie, DOM, storage, top window or API", async () => {
  const server = await startTestServer();
  const session = await launchBrowser();
  try {
    const tenant = await signUpTenant(server);
    await putInState(server.services, tenant.tenantId, "enterprise", "active");
    const api = await apiClient(server, tenant);
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Secret Grocers" }, 201);
    await api.ok("POST", "/api/v1/suppliers", { name: "Declared Packing" }, 201);
    const origin = `http://${tenant.host}:${server.port}`;
    const view = HOSTILE_VIEW.replace(
      "const results = {};",
      `const results = {}; window.__origin = ${JSON.stringify(origin)}; window.__customer = ${
        JSON.stringify(customer.id)
      };`,
    );
    await installForTest(
      server.services,
      tenant.tenantId,
      bundleFrom("private", manifest(), "export const x = 1;", { "probe.html": view }),
    );

    const page = await session.newPage();
    await signInThroughPage(page, server.port, tenant);
    const requests: string[] = [];
    const fromFrame: string[] = [];
    page.on("request", (r: HTTPRequest) => {
      const line = `${r.method()} ${new URL(r.url()).pathname}${new URL(r.url()).search}`;
      requests.push(line);
      if (r.frame()?.url().includes("/plugin-frames/")) fromFrame.push(line);
    });
    const pageUrl = `${origin}/plugins/hostile-view/views/probe`;
    await page.goto(pageUrl);
    const cookiesBefore = await page.cookies();
    const session_ = cookiesBefore.find((c) => c.httpOnly)?.value ?? "";
    const mainBefore = await page.$eval("main", (m) => m.innerHTML);
    await page.evaluate(() => localStorage.setItem("app-marker", "kept"));

    const frame = await waitForFrame(page.frames.bind(page), "/plugin-frames/hostile-view/probe");
    await frame.waitForSelector("body[data-done='1']", { timeout: 20_000 });
    const results = JSON.parse(await frame.$eval("#out", (el) => el.textContent ?? "{}"));

    // Reads of the app: refused outright (an opaque origin), or empty, never the app's values.
    for (const key of ["parentDom", "topDom", "localStorage", "sessionStorage", "parentCookie"]) {
      assert.equal(results[key].ok, false, `${key}: ${JSON.stringify(results[key])}`);
      assert.equal(results[key].error, "SecurityError", key);
    }
    assert.ok(
      !results.cookie.ok ||
        (results.cookie.value === "" && !results.cookie.value.includes(session_)),
      `cookie: ${JSON.stringify(results.cookie)}`,
    );
    // The network: the CSP has no connect-src, so fetch fails before any request leaves.
    assert.equal(results.fetchApi.ok, false, JSON.stringify(results.fetchApi));
    assert.equal(results.fetchApiAbsolute.ok, false, JSON.stringify(results.fetchApiAbsolute));
    // Popups are not allowed by the sandbox.
    assert.ok(!results.openPopup.ok || results.openPopup.value === "null");
    // The bridge: an undeclared type and a write are refused; the declared read works.
    assert.equal(results.readUndeclared.ok, false);
    assert.doesNotMatch(JSON.stringify(results.readUndeclared), /Secret Grocers/);
    assert.equal(results.writeThroughBridge.ok, false);
    assert.match(results.writeThroughBridge.error, /may call records.get and records.list only/);
    assert.equal(results.readDeclared.ok, true);
    assert.match(JSON.stringify(results.readDeclared.value), /Declared Packing/);

    // The app's page is unchanged: same address (the top was not navigated), DOM, cookies, storage.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(page.url(), pageUrl);
    assert.equal(await page.$eval("main", (m) => m.innerHTML), mainBefore);
    assert.deepEqual(
      (await page.cookies()).map((c) => `${c.name}=${c.value}`).sort(),
      cookiesBefore.map((c) => `${c.name}=${c.value}`).sort(),
    );
    assert.equal(await page.evaluate(() => localStorage.getItem("app-marker")), "kept");
    // The frame sent no request of its own (its document aside); the app's page called no
    // customers or suppliers API (only its own notifications), the top was not navigated, and
    // nothing was written.
    assert.deepEqual(fromFrame.filter((r) => !r.startsWith("GET /plugin-frames/")), []);
    assert.deepEqual(requests.filter((r) => /\/api\/v1\/(customers|suppliers)/.test(r)), []);
    assert.ok(!requests.some((r) => r.includes("hijacked")));
    const suppliers = await api.ok("GET", "/api/v1/suppliers");
    assert.deepEqual(suppliers.data.map((s: { name: string }) => s.name), ["Declared Packing"]);
  } finally {
    await session.close();
    await server.close();
  }
});

async function waitForFrame(frames: () => Frame[], path: string): Promise<Frame> {
  const end = Date.now() + 15_000;
  while (Date.now() < end) {
    const found = frames().find((f) => f.url().includes(path));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no frame ${path}`);
}
