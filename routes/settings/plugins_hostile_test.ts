/**
 * Hostile private plugin uploads (2026-12-07), over HTTP to Settings → Plugins → Upload: zip
 * bombs, manifests with disguised or huge texts, prototype keys, permissions and domains outside
 * the lists. Each is refused with its reason, nothing is installed and no prototype changes.
 */
import assert from "node:assert/strict";
import { strToU8, zipSync } from "fflate";
import { type SignedUp, signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import type { TestServer } from "../../tests/helpers/server.ts";
import { putInState } from "../../tests/helpers/billing.ts";
import { withLifecycle } from "../../tests/helpers/plugins.ts";
import { listInstalled } from "../../plugins/host/installations.ts";
import { bundleFrom } from "../../plugins/host/bundle.ts";
import { InvalidError } from "../../domain/errors.ts";

const CODE = "export function check() { return null; }";
const MANIFEST = {
  name: "hostile",
  title: "Hostile thing",
  version: "1.0.0",
  apiVersion: "^2.0.0",
};

async function upload(server: TestServer, t: SignedUp, file: File, manifest?: File) {
  const body = new FormData();
  body.set("_csrf", t.csrf);
  body.set("bundle", file);
  if (manifest) body.set("manifest", manifest);
  const encoded = new Response(body);
  const res = await server.fetch(t.host, "/settings/plugins/upload", {
    method: "POST",
    headers: {
      cookie: t.jar.header(t.host),
      "content-type": encoded.headers.get("content-type")!,
    },
    body: new Uint8Array(await encoded.arrayBuffer()),
  });
  return { status: res.status, html: await res.text() };
}

const zipFile = (entries: Record<string, Uint8Array>) =>
  new File([zipSync(entries, { level: 9 }) as Uint8Array<ArrayBuffer>], "plugin.zip");
const manifestFile = (m: unknown) => new File([JSON.stringify(m)], "manifest.json");
const codeFile = new File([CODE], "plugin.js");

Deno.test("a hostile private plugin upload is refused with its reason and installs nothing", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "enterprise", "active");
    const good = { "manifest.json": strToU8(JSON.stringify(MANIFEST)), "plugin.js": strToU8(CODE) };
    // The well-formed bundle reaches the approval dialog (the limits refuse no real plugin).
    const fine = await upload(server, t, zipFile(good));
    assert.equal(fine.status, 200, fine.html.slice(0, 300));
    assert.match(fine.html, /Hostile thing/);

    const manyFiles: Record<string, Uint8Array> = { ...good };
    for (let i = 0; i < 5_000; i++) manyFiles[`v/${i}.html`] = new Uint8Array(0);
    const bomb = { ...good, "view.html": new Uint8Array(20 * 1024 * 1024) };
    const cases: Array<[string, File, File | undefined, number, RegExp]> = [
      ["5,000 entries", zipFile(manyFiles), undefined, 422, /more than 64 files/],
      ["20 MB of zeros in 20 KB", zipFile(bomb), undefined, 422, /expands to more than 4 MB/],
      [
        "direction override in the title",
        codeFile,
        manifestFile({ ...MANIFEST, title: "Acme\u202Egnp.exe" }),
        422,
        /manifest\.title/,
      ],
      [
        "zero-width space in a setting label",
        codeFile,
        manifestFile({
          ...MANIFEST,
          settings: [{ key: "x", label: "Rate\u200B", type: "number", default: 1 }],
        }),
        422,
        /manifest\.settings\.0\.label/,
      ],
      [
        "a 100,000-character option",
        codeFile,
        manifestFile({
          ...MANIFEST,
          settings: [{
            key: "x",
            label: "Pick",
            type: "select",
            default: "a",
            options: [{ value: "a", label: "b".repeat(100_000) }],
          }],
        }),
        422,
        /Longer than 2000 characters/,
      ],
      [
        "__proto__ in the manifest",
        codeFile,
        new File(
          [
            `{"name":"hostile","title":"T","version":"1.0.0","apiVersion":"^2.0.0",` +
            `"__proto__":{"polluted":true}}`,
          ],
          "manifest.json",
        ),
        422,
        /The manifest has problems/,
      ],
      [
        "a permission not in the list",
        codeFile,
        manifestFile({ ...MANIFEST, permissions: ["admin:everything"] }),
        422,
        /The manifest has problems/,
      ],
      ...["*", "127.0.0.1", "localhost", "[::1]", "169.254.169.254", "*.example.com"].map((
        d,
      ): [string, File, File | undefined, number, RegExp] => [
        `domain ${d}`,
        codeFile,
        manifestFile({ ...MANIFEST, allowedDomains: [d] }),
        422,
        /The manifest has problems/,
      ]),
    ];
    for (const [what, file, manifest, status, reason] of cases) {
      const res = await upload(server, t, file, manifest);
      assert.equal(res.status, status, `${what}: ${res.html.slice(0, 200)}`);
      assert.match(res.html, reason, what);
      assert.doesNotMatch(res.html, /\u202E|\u200B/, what);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    // The page shows the summary; the field each refusal names, as the API would say it.
    for (const d of ["*", "127.0.0.1", "localhost", "[::1]", "169.254.169.254"]) {
      assert.throws(
        () => bundleFrom("private", JSON.stringify({ ...MANIFEST, allowedDomains: [d] }), CODE),
        (e: unknown) =>
          e instanceof InvalidError &&
          Object.keys(e.details ?? {}).includes("manifest.allowedDomains.0"),
        d,
      );
    }
    const list = await withLifecycle(server.services, t.tenantId, (d) => listInstalled(d.db));
    assert.deepEqual(list, []);
  } finally {
    await server.close();
  }
});
