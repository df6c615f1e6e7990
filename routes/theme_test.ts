import assert from "node:assert/strict";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../tests/helpers/server.ts";
import { type ApiClient, apiClient } from "../tests/helpers/api.ts";
import { pngHeader } from "../tests/helpers/images.ts";

const GREEN = { branding: { colors: { primary: "#1f6f43", primary_hover: "#17563a" } } };

async function page(server: TestServer, t: SignedUp, path = "/", status = 200) {
  const res = await server.fetch(t.host, path, { headers: { cookie: t.jar.header(t.host) } });
  assert.equal(res.status, status, path);
  return await res.text();
}

function themeLink(html: string): string {
  const m = /<link rel="stylesheet" href="(\/theme\/\d+\.css)">/.exec(html);
  assert.ok(m, "the page links the tenant's theme");
  return m[1]!;
}

async function css(server: TestServer, host: string, path: string) {
  const res = await server.fetch(host, path);
  return { status: res.status, text: await res.text(), cache: res.headers.get("cache-control") };
}

async function withTwoTenants(
  fn: (server: TestServer, a: SignedUp, b: SignedUp, api: ApiClient) => Promise<void>,
) {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    await fn(server, a, b, await apiClient(server, a));
  } finally {
    await server.close();
  }
}

Deno.test("a theme change serves new CSS from a new versioned URL that every page links; rollback restores the previous CSS", async () => {
  await withTwoTenants(async (server, a, _b, api) => {
    assert.equal(themeLink(await page(server, a)), "/theme/0.css");
    const before = await css(server, a.host, "/theme/0.css");
    assert.match(before.text, /--color-primary: #9b1c2e;/);
    assert.match(before.cache ?? "", /immutable/);

    const res = await api.call("PUT", "/api/v1/config", GREEN, { "if-match": '"0"' });
    assert.equal(res.status, 200);
    for (const path of ["/", "/purchase-orders", "/settings/profile"]) {
      assert.equal(themeLink(await page(server, a, path)), "/theme/1.css", path);
    }
    const missing = await page(server, a, "/purchase-orders/01jd8x3m7q5r2s9t4v6w8y0z1a", 404);
    assert.match(missing, /class="error-page"/);
    assert.equal(themeLink(missing), "/theme/1.css", "error pages follow the theme too");
    const after = await css(server, a.host, "/theme/1.css");
    assert.match(after.text, /--color-primary: #1f6f43;/);
    assert.match(after.text, /--color-primary-hover: #17563a;/);
    assert.doesNotMatch(after.text, /#9b1c2e/);

    await api.ok("POST", "/api/v1/config/rollback", { version: 0 });
    assert.equal(themeLink(await page(server, a)), "/theme/2.css");
    assert.equal((await css(server, a.host, "/theme/2.css")).text, before.text);
  });
});

Deno.test("another tenant's pages and theme are untouched by a tenant's change", async () => {
  await withTwoTenants(async (server, a, b, api) => {
    assert.equal(
      (await api.call("PUT", "/api/v1/config", GREEN, { "if-match": '"0"' })).status,
      200,
    );
    assert.equal(themeLink(await page(server, a)), "/theme/1.css");
    assert.equal(themeLink(await page(server, b)), "/theme/0.css");
    assert.equal((await css(server, b.host, "/theme/1.css")).status, 404);
    assert.match((await css(server, b.host, "/theme/0.css")).text, /--color-primary: #9b1c2e;/);
  });
});

Deno.test("compact density, a dark appearance and a font from the safe list reach the stylesheet", async () => {
  await withTwoTenants(async (server, a, _b, api) => {
    const doc = { branding: { density: "compact", appearance: "dark", font: "classical" } };
    assert.equal((await api.call("PUT", "/api/v1/config", doc, { "if-match": '"0"' })).status, 200);
    const { text } = await css(server, a.host, "/theme/1.css");
    assert.match(text, /color-scheme: dark;/);
    assert.match(text, /--font-size: 14px;/);
    assert.match(text, /--font-body: Charter/);
    assert.match(text, /--color-bg: #12161c;/);
    assert.doesNotMatch(text, /prefers-color-scheme/);
  });
});

Deno.test("a logo is checked by content, stored for its tenant alone and shown in the top bar; SVG is refused", async () => {
  await withTwoTenants(async (server, a, b, api) => {
    const upload = (body: Uint8Array, type: string) =>
      server.fetch(a.host, "/api/v1/config/assets", {
        method: "POST",
        headers: { authorization: `Bearer ${api.token}`, "content-type": type },
        body,
      });
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>');
    assert.equal((await upload(svg, "image/png")).status, 415);
    const huge = await upload(pngHeader(4000, 100), "image/png");
    assert.equal(huge.status, 422);
    assert.match((await huge.json()).error.message, /4000×100 pixels/);

    const ok = await upload(pngHeader(64, 32), "image/png");
    assert.equal(ok.status, 201);
    const { name, url } = await ok.json();
    assert.match(name, /^[0-9a-f]{64}\.png$/);
    const unknown = { branding: { logo: `${"a".repeat(64)}.png` } };
    const refused = await api.call("PUT", "/api/v1/config", unknown, { "if-match": '"0"' });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error.details["branding.logo"][0], /No image was uploaded/);
    const apiB = await apiClient(server, b);
    const borrowed = { branding: { logo: name } };
    const byB = await apiB.call("PUT", "/api/v1/config", borrowed, { "if-match": '"0"' });
    assert.equal(byB.status, 400, "another workspace cannot use this workspace's image");
    const doc = { branding: { logo: name, favicon: name, product_name: "Prairie Desk" } };
    assert.equal((await api.call("PUT", "/api/v1/config", doc, { "if-match": '"0"' })).status, 200);
    const html = await page(server, a);
    assert.ok(html.includes(`<img class="brand-logo" src="${url}" alt="Prairie Desk"`));
    assert.ok(html.includes(`<link rel="icon" href="${url}" type="image/png">`));
    assert.match(html, /class="product-name">Prairie Desk</);
    const image = await server.fetch(a.host, url, { headers: { cookie: a.jar.header(a.host) } });
    assert.equal(image.status, 200);
    assert.equal(image.headers.get("content-type"), "image/png");
    assert.deepEqual(new Uint8Array(await image.arrayBuffer()), pngHeader(64, 32));
    const login = await (await server.fetch(a.host, "/login")).text();
    assert.match(login, /<span>Prairie Desk<\/span>/, "the workspace's sign-in page");
    assert.match(login, /href="\/theme\/1\.css"/);
    const apex = await (await server.fetch("localhost", "/login")).text();
    assert.doesNotMatch(apex, /Prairie Desk|\/theme\//, "the bare domain keeps ours");
    assert.equal((await server.fetch(b.host, url)).status, 404);
    assert.doesNotMatch(await page(server, b), /brand-logo|Prairie Desk/);
  });
});
