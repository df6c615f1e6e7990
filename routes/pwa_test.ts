import assert from "node:assert/strict";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../tests/helpers/server.ts";
import { type ApiClient, apiClient } from "../tests/helpers/api.ts";
import { seedOneOfEach } from "../tests/helpers/records.ts";
import { decodePng, encodePng } from "../customization/png.ts";

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

/** A small PNG photo whose bytes depend on `seed` (so two photos are two documents). */
function photo(seed: number): Uint8Array<ArrayBuffer> {
  const pixels = new Uint8Array(40 * 30 * 4).map((_, i) => (i * 7 + seed * 13) % 256);
  return encodePng({ width: 40, height: 30, pixels });
}

async function newLoad(api: ApiClient, prefix: string): Promise<string> {
  return (await seedOneOfEach(api, prefix)).loads.id;
}

/** A multipart body and its content type, for the loopback helper (which takes bytes). */
async function multipart(form: FormData) {
  const req = new Request("http://body.test/", { method: "POST", body: form });
  return {
    body: new Uint8Array(await req.arrayBuffer()),
    type: req.headers.get("content-type")!,
  };
}

function captureForm(
  loadId: string,
  bytes: Uint8Array<ArrayBuffer>,
  extra: [string, string][] = [],
) {
  const form = new FormData();
  for (const [k, v] of extra) form.append(k, v);
  form.append("load_id", loadId);
  form.append("file", new File([bytes], "bol-photo.png", { type: "image/png" }));
  return form;
}

Deno.test("each workspace's manifest names its product and theme colours and lists 192 and 512 px icons, maskable too", async () => {
  await withTwoTenants(async (server, a, b, api) => {
    const doc = {
      branding: { product_name: "Prairie Trade Desk", colors: { primary: "#1f6f43" } },
    };
    assert.equal((await api.call("PUT", "/api/v1/config", doc, { "if-match": '"0"' })).status, 200);
    const res = await server.fetch(a.host, "/manifest.webmanifest");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/manifest\+json/);
    const manifest = await res.json();
    assert.equal(manifest.name, "Prairie Trade Desk");
    assert.equal(manifest.short_name, "Prairie");
    assert.equal(manifest.theme_color, "#1f6f43");
    assert.equal(manifest.display, "standalone");
    assert.equal(manifest.start_url, "/");
    assert.deepEqual(
      manifest.icons.map((i: { sizes: string; purpose?: string }) =>
        `${i.sizes} ${i.purpose ?? "any"}`
      ),
      ["192x192 any", "192x192 maskable", "512x512 any", "512x512 maskable"],
    );
    for (const icon of manifest.icons) {
      const png = await server.fetch(a.host, icon.src);
      assert.equal(png.status, 200, icon.src);
      assert.match(png.headers.get("cache-control") ?? "", /immutable/);
      const image = decodePng(new Uint8Array(await png.arrayBuffer()))!;
      assert.equal(`${image.width}x${image.height}`, icon.sizes);
      assert.deepEqual([...image.pixels.subarray(0, 3)], [0x1f, 0x6f, 0x43], "primary colour");
    }
    // The other workspace still has the built-in name; the bare domain has no manifest.
    const other = await (await server.fetch(b.host, "/manifest.webmanifest")).json();
    assert.equal(other.name, "ProjectMeats");
    assert.equal((await server.fetch("localhost", "/manifest.webmanifest")).status, 404);
  });
});

Deno.test("an app icon is made from the tenant's PNG logo", async () => {
  await withTwoTenants(async (server, a, _b, api) => {
    const logo = encodePng({
      width: 64,
      height: 64,
      pixels: new Uint8Array(64 * 64 * 4).map((_, i) => (i % 4 === 2 || i % 4 === 3 ? 255 : 0)),
    });
    const up = await server.fetch(a.host, "/api/v1/config/assets", {
      method: "POST",
      headers: { authorization: `Bearer ${api.token}`, "content-type": "image/png" },
      body: logo,
    });
    assert.equal(up.status, 201);
    const { name } = await up.json();
    const doc = { branding: { logo: name } };
    assert.equal((await api.call("PUT", "/api/v1/config", doc, { "if-match": '"0"' })).status, 200);
    const manifest = await (await server.fetch(a.host, "/manifest.webmanifest")).json();
    const icon = manifest.icons.find((i: { sizes: string }) => i.sizes === "512x512");
    assert.match(icon.src, /^\/app-icons\/1\//);
    const image = decodePng(
      new Uint8Array(await (await server.fetch(a.host, icon.src)).arrayBuffer()),
    )!;
    const at = (
      x: number,
      y: number,
    ) => [...image.pixels.subarray((y * 512 + x) * 4, (y * 512 + x) * 4 + 3)];
    assert.deepEqual(at(256, 256), [0, 0, 255], "the blue logo in the middle");
    assert.notDeepEqual(at(2, 2), [0, 0, 255], "the surface around it");
    // Version 0 (before the logo) is still the built-in mark.
    const before = decodePng(
      new Uint8Array(await (await server.fetch(a.host, "/app-icons/0/512.png")).arrayBuffer()),
    )!;
    assert.notDeepEqual([
      ...before.pixels.subarray((256 * 512 + 256) * 4, (256 * 512 + 256) * 4 + 3),
    ], [0, 0, 255]);
  });
});

Deno.test("signed-in pages link the manifest and mark themselves for this user; /sw.js is never cached and lists the shell", async () => {
  await withTwoTenants(async (server, a) => {
    const page = await server.fetch(a.host, "/", { headers: { cookie: a.jar.header(a.host) } });
    const html = await page.text();
    assert.ok(html.includes('<link rel="manifest" href="/manifest.webmanifest">'));
    assert.ok(html.includes('<meta name="theme-color" content="#9b1c2e">'), "the primary colour");
    assert.ok(html.includes('<link rel="apple-touch-icon" href="/app-icons/0/192.png">'));
    assert.equal(page.headers.get("x-offline-user"), a.userId);
    const login = await server.fetch(a.host, "/login");
    assert.ok(!(await login.text()).includes('rel="manifest"'), "not on public pages");
    assert.equal(login.headers.get("x-offline-user"), null);

    const sw = await server.fetch(a.host, "/sw.js");
    assert.equal(sw.status, 200);
    assert.match(sw.headers.get("content-type") ?? "", /^text\/javascript/);
    assert.equal(sw.headers.get("cache-control"), "no-store");
    const script = await sw.text();
    const shell = JSON.parse(/const SHELL = (.*);/.exec(script)![1]!);
    assert.ok(shell.includes("/offline"));
    assert.ok(shell.some((u: string) => /^\/static\/app-[0-9a-f]+\.css$/.test(u)));
    assert.ok(shell.some((u: string) => /^\/_islands\/OfflineQueue-/.test(u)));
    assert.equal((await server.fetch("localhost", "/sw.js")).status, 404);

    const offline = await server.fetch(a.host, "/offline");
    assert.equal(offline.status, 200);
    assert.match(await offline.text(), /You are offline/);
  });
});

Deno.test("a Spanish reader's app speaks Spanish offline too: the live and offline notices, the worker's own pages and /offline", async () => {
  await withTwoTenants(async (server, a) => {
    const spanish = { "accept-language": "es" };
    const page = await server.fetch(a.host, "/", {
      headers: { cookie: a.jar.header(a.host), ...spanish },
    });
    const html = await page.text();
    const propsOf = (island: string) => {
      const m = new RegExp(`data-island="${island}" data-props="([^"]*)"`).exec(html);
      assert.ok(m, island);
      return JSON.parse(m[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, "&"));
    };
    const live = propsOf("LiveUpdates");
    assert.equal(live.language, "es");
    assert.equal(live.messages["live.reload"], "Recargar");
    const offline = propsOf("OfflineQueue");
    assert.equal(offline.language, "es");
    assert.match(offline.messages["offline.queued"], /en cola/);
    assert.match(offline.messages["offline.offline"], /sin conexión/);

    // The worker is registered with the reader's language and words its own pages with it.
    const es = await (await server.fetch(a.host, "/sw.js?lang=es")).text();
    assert.match(es, /^const LANG = "es";/);
    const words = JSON.parse(/const WORDS = (.*);/.exec(es)![1]!);
    assert.equal(words["offline.back_to_record"], "Volver al registro");
    assert.match(words["offline.note_queued"], /Su nota está en cola/);
    const en = await (await server.fetch(a.host, "/sw.js?lang=xx")).text();
    assert.match(en, /^const LANG = "en";/, "an unknown language is English");
    assert.match(en, /Your note is queued/);

    const offlinePage = await server.fetch(a.host, "/offline", { headers: spanish });
    const text = await offlinePage.text();
    assert.match(text, /Está sin conexión/);
    assert.doesNotMatch(text, /You are offline/);
  });
});

Deno.test("a photo for a load is read like any upload and attached to that load; a retry with the same Idempotency-Key adds nothing", async () => {
  await withTwoTenants(async (server, a, b, api) => {
    const loadId = await newLoad(api, "CAMBOL1");
    const send = async (form: FormData, key: string, host = a.host, token = api.token) => {
      const { body, type } = await multipart(form);
      return await server.fetch(host, "/api/v1/documents/captures", {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "idempotency-key": key,
          "content-type": type,
        },
        body,
      });
    };
    const first = await send(captureForm(loadId, photo(1)), "capture-key-1");
    assert.equal(first.status, 202);
    const doc = await first.json();
    assert.deepEqual(doc.record, { collection: "loads", id: loadId });
    assert.equal(doc.status, "queued", "still to be read");
    const again = await send(captureForm(loadId, photo(1)), "capture-key-1");
    assert.equal(again.status, 202);
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    assert.equal((await again.json()).id, doc.id);
    const listed = await api.ok("GET", "/api/v1/documents");
    assert.equal(listed.data.length, 1, "one document, not two");

    // Another workspace cannot attach to this load (it does not exist there); nothing is stored.
    const apiB = await apiClient(server, b);
    const foreign = await send(captureForm(loadId, photo(2)), "capture-key-2", b.host, apiB.token);
    assert.equal(foreign.status, 404);
    assert.equal((await apiB.ok("GET", "/api/v1/documents")).data.length, 0);
  });
});

Deno.test("the camera form uploads a photo into the reader attached to the chosen load, and goes back to the load", async () => {
  await withTwoTenants(async (server, a, _b, api) => {
    const loadId = await newLoad(api, "CAMBOL2");
    const page = await server.fetch(a.host, "/documents/camera", {
      headers: { cookie: a.jar.header(a.host) },
    });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.ok(html.includes(`<option value="${loadId}">`), "the load is offered");
    assert.match(html, /capture="environment"/);
    const loadPage = await (await server.fetch(a.host, `/loads/${loadId}`, {
      headers: { cookie: a.jar.header(a.host) },
    })).text();
    assert.match(loadPage, /Photograph BOL \/ POD/);
    assert.ok(loadPage.includes(`name="load_id" value="${loadId}"`));

    const post = async (form: FormData) => {
      const { body, type } = await multipart(form);
      return await server.fetch(a.host, "/documents/camera", {
        method: "POST",
        headers: { cookie: a.jar.header(a.host), "content-type": type },
        body,
      });
    };
    const res = await post(captureForm(loadId, photo(3), [["_csrf", a.csrf]]));
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), `/loads/${loadId}?photo=1`);
    const docs = (await api.ok("GET", "/api/v1/documents")).data;
    assert.equal(docs.length, 1);
    assert.deepEqual(docs[0].record, { collection: "loads", id: loadId });

    const missing = await post(
      captureForm("01jd8x3m7q5r2s9t4v6w8y0z1a", photo(4), [["_csrf", a.csrf]]),
    );
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /No such load/);
    assert.equal((await api.ok("GET", "/api/v1/documents")).data.length, 1, "nothing stored");
  });
});

Deno.test("signing out of a workspace tells the browser to clear its caches and storage", async () => {
  await withTwoTenants(async (server, a) => {
    const res = await server.fetch(a.host, "/logout", {
      method: "POST",
      headers: { cookie: a.jar.header(a.host), "x-csrf-token": a.csrf },
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("clear-site-data"), '"cache", "storage"');
  });
});
