/**
 * No English word reaches a Spanish reader (issue 17), in a workspace that renamed record types
 * (with Spanish names) and added custom fields: every page a member reads (i18n/spanish_pages.ts)
 * is rendered over real HTTP for a member who chose Spanish, and every text node and label-like
 * attribute is searched for words the English catalogue writes and the Spanish one never does
 * (i18n/english_words.ts); so are the e-mails a Spanish-speaking customer or carrier receives
 * (invoice, statement, reminder, rate confirmation) and the PDFs (invoice, rate confirmation,
 * purchase order, sales confirmation). Left out by choice: the workspace's own data (names,
 * numbers, the custom fields it labelled in English), plugin titles and descriptions (their
 * authors' words) and operator pages (not a member's; docs/languages.md).
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { seedOneOfEach } from "../tests/helpers/records.ts";
import { confirmAddress, mailTo } from "../tests/helpers/members.ts";
import { startWorker, uploadFile, waitForDocument } from "../tests/helpers/documents.ts";
import { corpus } from "../ai/fixtures/corpus.ts";
import { pdfPages } from "../domain/documents/pdf.ts";
import { readableTexts } from "./untranslated.ts";
import { englishWordsIn } from "./english_words.ts";
import { SPANISH_PAGES } from "./spanish_pages.ts";
import { OPTION_LISTS } from "../domain/option_lists.ts";

/** Every string in a JSON value that is a value, not a code ("draft", "customer_pickup"). */
function valuesIn(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === "string") {
    if (value.length >= 3 && !/^[a-z_]+$/.test(value)) out.add(value);
  } else if (Array.isArray(value)) { for (const v of value) valuesIn(v, out); }
  else if (value && typeof value === "object") {
    for (const v of Object.values(value)) valuesIn(v, out);
  }
  return out;
}

/** Renames with Spanish names, and custom fields the workspace labelled in English. */
const CONFIGURATION = {
  terminology: {
    record_types: {
      loads: {
        singular: "Shipment",
        plural: "Shipments",
        languages: { es: { singular: "Envío", plural: "Envíos", gender: "masculine" } },
      },
      suppliers: {
        singular: "Packer",
        plural: "Packers",
        languages: { es: { singular: "Empacadora", plural: "Empacadoras", gender: "feminine" } },
      },
      payments: {
        singular: "Remittance",
        plural: "Remittances",
        languages: { es: { singular: "Remesa", plural: "Remesas", gender: "feminine" } },
      },
    },
  },
  custom_fields: {
    suppliers: [
      { key: "vessel", label: "Vessel name", type: "text", column: true, help: "As on the BL." },
      { key: "grades", label: "Grades", type: "multi_choice", choices: ["Prime", "Choice"] },
    ],
    loads: [{ key: "seal", label: "Seal number", type: "text", column: true }],
  },
};

/**
 * English a Spanish reader still meets, each with its reason; a new finding fails the test. None
 * today: a payment's search title, a job's payload summary, a security event's stored details and
 * target, and the help search's code names are all put in the reader's words at display.
 */
const KNOWN: readonly RegExp[] = [];

Deno.test("englishWordsIn() finds English words inside a text and leaves values and Spanish alone", () => {
  assert.deepEqual(englishWordsIn("Envío L-7 was delivered"), ["was", "delivered"]);
  assert.deepEqual(englishWordsIn("La carga L-7 fue entregada"), []);
  assert.deepEqual(englishWordsIn("Prairie Invoice Co · 3 facturas", ["Prairie Invoice Co"]), []);
  assert.deepEqual(englishWordsIn("Escriba a ap@invoices.example"), []);
});

Deno.test("a Spanish member of a renamed, customized workspace reads no English word on any page, e-mail or PDF", async () => {
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "100000",
    RATE_LIMIT_PER_TENANT: "100000",
  });
  const worker = startWorker(server);
  try {
    const owner = await signUpTenant(server);
    await confirmAddress(server, owner.userId); // mail to outsiders needs a confirmed sender
    const api = await apiClient(server, owner);
    const put = await api.call("PUT", "/api/v1/config", CONFIGURATION, { "if-match": '"0"' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const po = corpus([1]).find((f) => f.name.startsWith("purchase-order-boxes"))!;
    const uploaded = await uploadFile(server, api, "po.pdf", await po.pdf());
    const document = await waitForDocument(api, uploaded.body.id);
    assert.equal(document.status, "review");
    const seeded = { ...await seedOneOfEach(api, "Lengua"), document };

    // The parties read Spanish and have addresses, for the e-mails and PDFs.
    const party = async (collection: string, record: { id: string }, extra: object) => {
      const current = await api.ok("GET", `/api/v1/${collection}/${record.id}`);
      await api.ok("PATCH", `/api/v1/${collection}/${record.id}`, {
        language: "es",
        version: current.version,
        ...extra,
      });
    };
    // On credit hold and with insurance about to lapse, whatever the date: the customer's and
    // the carrier's pages then show their warnings, which must read Spanish too.
    const today = Deno.env.get("TEST_TODAY") ?? new Date().toISOString().slice(0, 10);
    const soon = new Date(Date.parse(`${today}T12:00:00Z`) + 10 * 86_400_000).toISOString();
    await party("customers", seeded.customers, {
      email: "cxp@lengua.example",
      credit_hold: true,
    });
    await party("carriers", seeded.carriers, {
      dispatch_email: "despacho@lengua.example",
      insurance_expires: soon.slice(0, 10),
    });
    await party("suppliers", seeded.suppliers, {});

    // The workspace's data, which is shown as written.
    const values = new Set<string>([owner.slug, owner.host, owner.email, "Lengua"]);
    for (const [collection, record] of Object.entries(seeded)) {
      if (collection === "document") continue;
      valuesIn(await api.ok("GET", `/api/v1/${collection}/${record.id}`), values);
    }
    valuesIn(await api.ok("GET", `/api/v1/documents/${document.id}`), values);
    valuesIn(CONFIGURATION.custom_fields, values);
    // The option lists' values are the workspace's (Settings → Option lists), seeded in English.
    valuesIn(OPTION_LISTS.map((list) => list.seed), values);
    valuesIn(await api.ok("GET", "/api/v1/users/me").catch(() => ({})), values);
    // Plugin titles and descriptions are their authors' words.
    for await (const entry of Deno.readDir(new URL("../plugins/catalog/", import.meta.url))) {
      const manifest = new URL(`../plugins/catalog/${entry.name}/manifest.json`, import.meta.url);
      valuesIn(JSON.parse(await Deno.readTextFile(manifest)), values);
    }
    const data = [...values].sort((a, b) => b.length - a.length);
    const failures: string[] = [];
    const check = (where: string, texts: Iterable<string>, more: string[] = []) => {
      for (const text of texts) {
        const words = englishWordsIn(text, [...data, ...more]);
        const line = `${where}: "${text}" (${words.join(", ")})`;
        if (words.length && !KNOWN.some((known) => known.test(line))) failures.push(line);
      }
    };

    // The mail a Spanish customer and carrier receive, sent as the broker would.
    await api.ok("POST", `/api/v1/invoices/${seeded.invoices.id}/send`, {}, 201);
    await api.ok("POST", `/api/v1/customers/${seeded.customers.id}/statement`, {
      kind: "statement",
    }, 201);
    await api.ok("POST", `/api/v1/customers/${seeded.customers.id}/statement`, {
      kind: "reminder",
    }, 201);
    await api.ok("POST", `/api/v1/loads/${seeded.loads.id}/rate-confirmation/send`, {}, 201);
    const mails = [
      ...await mailTo(server, "cxp@lengua.example"),
      ...await mailTo(server, "despacho@lengua.example"),
    ];
    assert.ok(mails.length >= 4, `${mails.length} e-mails`);
    for (const mail of mails) {
      check(`e-mail "${mail.subject}"`, [mail.subject, ...mail.text.split("\n")]);
    }
    // The PDFs, each in its party's language.
    for (const collection of ["invoices", "loads", "purchase-orders", "sales-orders"] as const) {
      const res = await server.fetch(
        owner.host,
        `/api/v1/${collection}/${seeded[collection].id}/pdf`,
        {
          headers: { authorization: `Bearer ${api.token}` },
        },
      );
      assert.equal(res.status, 200, collection);
      const pages = await pdfPages(new Uint8Array(await res.arrayBuffer()));
      check(`${collection} PDF`, pages.flatMap((p) => p.lines));
    }

    // The member chooses Spanish; every page they read.
    const cookie = owner.jar.header(owner.host);
    const saved = await server.fetch(owner.host, "/settings/profile/language", {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: owner.csrf, language: "es" }).toString(),
    });
    assert.equal(saved.status, 200);
    await saved.body?.cancel();
    for (const [name, pathOf] of SPANISH_PAGES) {
      const path = pathOf(seeded);
      const res = await server.fetch(owner.host, path, { headers: { cookie } });
      const html = await res.text();
      assert.equal(res.status, 200, `${name} ${path}: ${res.status}`);
      assert.match(html, /<html lang="es">/, name);
      // Code and keyboard keys stay as they are; a search hit's snippet is the record's text.
      // A document's own text (<pre>) is the document's.
      const shown = html.replace(/<(code|kbd|pre)\b[^>]*>[\s\S]*?<\/\1>/g, " ")
        .replace(/<small class="muted snippet">[\s\S]*?<\/small>/g, " ");
      // What the reader typed into a search is theirs.
      const typed = new URL(path, "http://x").searchParams.get("q");
      const words = typed ? [typed] : [];
      check(`${name} ${path}`, new Set(readableTexts(shown)), words);
    }
    assert.deepEqual(failures, []);
  } finally {
    await worker.stop();
    await server.close();
  }
});
