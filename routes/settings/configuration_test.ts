import assert from "node:assert/strict";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../../tests/helpers/server.ts";
import { addMember, signIn } from "../../tests/helpers/members.ts";

type Who = Pick<SignedUp, "host" | "jar" | "csrf">;

function post(server: TestServer, s: Who, path: string, body: Record<string, string>) {
  return server.fetch(s.host, path, {
    method: "POST",
    headers: {
      cookie: s.jar.header(s.host),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ _csrf: s.csrf, ...body }).toString(),
  });
}

async function postFile(
  server: TestServer,
  s: Who,
  path: string,
  fields: Record<string, string | File>,
) {
  const form = new FormData();
  form.set("_csrf", s.csrf);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const encoded = new Request("http://form.invalid/", { method: "POST", body: form });
  return server.fetch(s.host, path, {
    method: "POST",
    headers: {
      cookie: s.jar.header(s.host),
      "content-type": encoded.headers.get("content-type")!,
    },
    body: new Uint8Array(await encoded.arrayBuffer()),
  });
}

async function get(server: TestServer, s: Who, path: string) {
  const res = await server.fetch(s.host, path, { headers: { cookie: s.jar.header(s.host) } });
  return { status: res.status, text: await res.text(), type: res.headers.get("content-type") };
}

async function withTenant(fn: (server: TestServer, t: SignedUp) => Promise<void>) {
  const server = await startTestServer();
  try {
    await fn(server, await signUpTenant(server));
  } finally {
    await server.close();
  }
}

const YAML = `branding:\n  product_name: Prairie Desk\n  colors:\n    primary: "#1f6f43"\n`;

Deno.test("an imported file is previewed as a diff and applied only when confirmed; export gives it back", async () => {
  await withTenant(async (server, t) => {
    const preview = await postFile(server, t, "/settings/configuration/preview", {
      file: new File([YAML], "prairie.yaml", { type: "application/yaml" }),
      version: "0",
    });
    assert.equal(preview.status, 200);
    const html = await preview.text();
    assert.match(html, /Preview of the import/);
    assert.match(html, /<code>branding\.colors\.primary<\/code><\/td><td>#9b1c2e<\/td><td>#1f6f43/);
    assert.match(html, /<code>branding\.product_name<\/code>/);
    assert.match((await get(server, t, "/settings/configuration")).text, /Version 0\./);

    const doc = /name="document" value="([^"]+)"/.exec(html)![1]!.replaceAll("&quot;", '"');
    const applied = await post(server, t, "/settings/configuration/apply", {
      version: "0",
      document: doc,
    });
    assert.equal(applied.status, 303);
    const page = await get(server, t, "/settings/configuration?saved=1");
    assert.match(page.text, /Version 1\./);
    assert.match(page.text, /Roll back to version 0/);
    const yaml = await get(server, t, "/settings/configuration/export.yaml");
    assert.match(yaml.type ?? "", /yaml/);
    assert.match(yaml.text, /product_name: Prairie Desk/);
    const json = JSON.parse((await get(server, t, "/settings/configuration/export.json")).text);
    assert.equal(json.branding.colors.primary, "#1f6f43");
  });
});

Deno.test("a bad import lists each path with the allowed values and applies nothing", async () => {
  await withTenant(async (server, t) => {
    const res = await postFile(server, t, "/settings/configuration/preview", {
      text: "branding:\n  density: roomy\n  colors:\n    text: '#cccccc'\n",
      version: "0",
    });
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.match(html, /<code>branding\.density<\/code>: Use one of: comfortable, compact\./);
    assert.match(html, /text #cccccc on background #f6f7f9 has a contrast of 1\.\d\d:1/);
    assert.doesNotMatch(html, /Apply these changes/);
    const broken = await postFile(server, t, "/settings/configuration/preview", {
      text: "branding: [unclosed",
      version: "0",
    });
    assert.equal(broken.status, 422);
    assert.match(await broken.text(), /The YAML could not be read/);
    assert.match((await get(server, t, "/settings/configuration")).text, /Version 0\./);
  });
});

Deno.test("the branding form saves colours with the contrast rule, and a rollback restores them", async () => {
  await withTenant(async (server, t) => {
    const low = await post(server, t, "/settings/configuration/branding", {
      version: "0",
      product_name: "Prairie Desk",
      "colors.primary": "#f0f0f0",
    });
    assert.equal(low.status, 422);
    assert.match(
      await low.text(),
      /primary_text #ffffff on primary #f0f0f0 has a contrast of 1\.\d\d:1/,
    );
    const darkLow = await post(server, t, "/settings/configuration/branding", {
      version: "0",
      "dark_colors.text": "#333333",
    });
    assert.equal(darkLow.status, 422);
    assert.match(
      await darkLow.text(),
      /<code>branding\.dark_colors\.text<\/code>: text #333333 on/,
    );
    const ok = await post(server, t, "/settings/configuration/branding", {
      version: "0",
      product_name: "Prairie Desk",
      density: "compact",
      "colors.primary": "#1f6f43",
    });
    assert.equal(ok.status, 303);
    const dark = await post(server, t, "/settings/configuration/branding", {
      version: "1",
      "dark_colors.primary": "#7fd1a1",
    });
    assert.equal(dark.status, 303);
    const themed = (await get(server, t, "/theme/2.css")).text;
    assert.match(themed, /@media \(prefers-color-scheme: dark\) \{[^}]*--color-primary: #7fd1a1;/);
    assert.match(themed, /^ {2}--color-primary: #1f6f43;/m);
    const stale = await post(server, t, "/settings/configuration/branding", {
      version: "1",
      "colors.primary": "#123456",
    });
    assert.equal(stale.status, 409);
    assert.match(await stale.text(), /it is at version 2 now/);
    assert.equal(
      (await post(server, t, "/settings/configuration/rollback", { version: "0" })).status,
      303,
    );
    const page = await get(server, t, "/");
    assert.match(page.text, /href="\/theme\/3\.css"/);
    assert.match((await get(server, t, "/theme/3.css")).text, /--color-primary: #9b1c2e;/);
    assert.equal(
      (await post(server, t, "/settings/configuration/rollback", { version: "x" })).status,
      400,
    );
    assert.equal(
      (await post(server, t, "/settings/configuration/apply", { version: "2", document: "{" }))
        .status,
      422,
    );
  });
});

Deno.test("Settings → Configuration is for owners and admins only", async () => {
  await withTenant(async (server, t) => {
    const m = await addMember(server, t.tenantId, "broker");
    const broker = await signIn(server, t.host, m.email, m.password);
    assert.equal((await get(server, broker, "/settings/configuration")).status, 403);
    assert.equal(
      (await post(server, broker, "/settings/configuration/rollback", { version: "0" })).status,
      403,
    );
    assert.doesNotMatch(
      (await get(server, broker, "/settings/profile")).text,
      /Configuration<\/a>/,
    );
    assert.match((await get(server, t, "/settings/profile")).text, /Configuration<\/a>/);
  });
});
