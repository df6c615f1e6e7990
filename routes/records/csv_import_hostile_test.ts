/**
 * Hostile CSV imports (2026-12-07), over HTTP to /customers/import: UTF-16 and BOMs, formula
 * cells (kept as text, never exported as formulas), too many rows, too many bytes, a line with no
 * end. Refusals import nothing.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import type { SignedUp } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";

async function importFile(server: TestServer, t: SignedUp, bytes: Uint8Array, confirm = true) {
  const form = new FormData();
  form.append("_csrf", t.csrf);
  form.append("file", new File([bytes as Uint8Array<ArrayBuffer>], "customers.csv"));
  if (confirm) form.append("confirm", "1");
  const request = new Request("http://x/", { method: "POST", body: form });
  const res = await server.fetch(t.host, "/customers/import", {
    method: "POST",
    headers: {
      cookie: t.jar.header(t.host),
      "content-type": request.headers.get("content-type")!,
    },
    body: new Uint8Array(await request.arrayBuffer()),
  });
  return { status: res.status, html: await res.text() };
}

function utf16(text: string, bigEndian: boolean): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out.set(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe], 0);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const [hi, lo] = [code >> 8, code & 0xff];
    out.set(bigEndian ? [hi, lo] : [lo, hi], 2 + i * 2);
  }
  return out;
}

const FORMULAS = [
  '=HYPERLINK("http://evil.example","Ñandú")',
  "+1+cmd|' /C calc'!A0",
  "-2+3",
  "@SUM(A1:A9)",
];

Deno.test("a CSV in UTF-16 or with a BOM imports, formula cells stay text and every export defuses them", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const csv = (names: string[]) =>
      "name,email\r\n" +
      names.map((n, i) => `"${n.replaceAll('"', '""')}",buyer${i}@example.com`).join("\r\n") +
      "\r\n";
    const le = await importFile(server, t, utf16(csv(FORMULAS.slice(0, 2)), false));
    assert.equal(le.status, 303, le.html.slice(0, 400));
    const be = await importFile(server, t, utf16(csv(FORMULAS.slice(2)), true));
    assert.equal(be.status, 303, be.html.slice(0, 400));
    const bom = await importFile(
      server,
      t,
      new TextEncoder().encode("\uFEFF" + csv(["Tab\tstart", "Plain Grocers"])),
    );
    assert.equal(bom.status, 303, bom.html.slice(0, 400));

    const stored = (await api.ok("GET", "/api/v1/customers?limit=200")).data
      .map((c: { name: string }) => c.name).sort();
    assert.deepEqual(stored, [...FORMULAS, "Plain Grocers", "Tab\tstart"].sort());

    const exported = await server.fetch(t.host, "/customers/export.csv", {
      headers: { cookie: t.jar.header(t.host) },
    });
    assert.equal(exported.status, 200);
    const text = await exported.text();
    for (const line of text.split("\r\n").slice(1).filter(Boolean)) {
      const first = line.startsWith('"') ? line.slice(1) : line;
      assert.doesNotMatch(first, /^[=+\-@\t\r]/, line);
    }
    assert.match(text, /'=HYPERLINK\(""http:\/\/evil\.example""/);
  } finally {
    await server.close();
  }
});

Deno.test("a CSV past the row or byte limit, with an endless line or of binary data imports nothing", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const rows = "name\n" + Array.from({ length: 5_001 }, (_, i) => `Row ${i}`).join("\n");
    const many = await importFile(server, t, new TextEncoder().encode(rows));
    assert.equal(many.status, 400);
    assert.match(many.html, /At most 5000 rows/);
    // 3 MB on one line with no end: refused by its size before it is parsed.
    const endless = await importFile(server, t, new Uint8Array(3 * 1024 * 1024).fill(0x61));
    assert.equal(endless.status, 413);
    // UTF-16 that is not text (an odd byte, unpaired surrogates) and UTF-8 with NULs.
    const odd = await importFile(server, t, Uint8Array.of(0xff, 0xfe, 0x00, 0xd8, 0x41));
    assert.equal(odd.status, 400);
    const nul = await importFile(server, t, Uint8Array.of(0x6e, 0x61, 0, 0x6d, 0x65));
    assert.equal(nul.status, 400);
    assert.deepEqual((await api.ok("GET", "/api/v1/customers")).data, []);
  } finally {
    await server.close();
  }
});
