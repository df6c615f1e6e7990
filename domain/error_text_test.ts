/**
 * Errors users see, in their language (issue 17): the texts domain code throws are translated at
 * the edge through the `error.*` messages; a form shows them in the member's language, and the API
 * keeps its `code` and English `message` unless the client sends Accept-Language.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { CATALOGUES, translator } from "../i18n/mod.ts";
import { translateErrorDetails, translateErrorText } from "./error_text.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { confirmAddress } from "../tests/helpers/members.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { CookieJar } from "../tests/helpers/http.ts";
import { businessDay } from "./clock.ts";
import { imageTooLarge } from "./documents/image_size.ts";

const es = translator("es");

Deno.test("translateErrorText() translates fixed texts and texts with values, and leaves unknown ones", () => {
  assert.equal(translateErrorText("Required.", CATALOGUES.en, es), "Obligatorio.");
  assert.equal(
    translateErrorText("At most 20 characters.", CATALOGUES.en, es),
    "Como máximo 20 caracteres.",
  );
  assert.equal(translateErrorText("Choose a customer.", CATALOGUES.en, es), "Elija: cliente.");
  assert.equal(
    translateErrorText(
      "Only draft or cancelled purchase orders can be deleted.",
      CATALOGUES.en,
      es,
    ),
    "Solo se pueden eliminar órdenes de compra en borrador o canceladas.",
  );
  assert.equal(
    translateErrorText("Blocked by rule 'Big PO': Ask Dana first.", CATALOGUES.en, es),
    "Bloqueado por la regla «Big PO»: Ask Dana first.",
    "the rule's own words are the workspace's",
  );
  assert.equal(
    translateErrorText(
      "Boston Grocers is on credit hold. A broker or admin can override the credit hold.",
      CATALOGUES.en,
      es,
    ),
    "Boston Grocers está en retención de crédito. Puede pasar por alto la retención de crédito: corredor o administrador.",
  );
  assert.equal(
    translateErrorText("Another customer already has this name.", CATALOGUES.en, es),
    "Otro registro (cliente) ya tiene este valor de nombre.",
  );
  assert.equal(
    translateErrorText("This e-mail address cannot receive mail.", CATALOGUES.en, es),
    "Esta dirección de correo no puede recibir correo.",
  );
  assert.equal(translateErrorText("Something unknown.", CATALOGUES.en, es), "Something unknown.");
  // The pattern's English message says what was thrown (English readers are never translated).
  const blocked = "Blocked by rule 'Big PO': Ask Dana first.";
  assert.equal(translateErrorText(blocked, CATALOGUES.en, translator("en")), blocked);
  assert.deepEqual(
    translateErrorDetails({ email: ["Enter a valid e-mail address."] }, CATALOGUES.en, es),
    { email: ["Escriba una dirección de correo válida."] },
  );
});

Deno.test("a form answers in Spanish for a member who chose Spanish; the API keeps English unless asked", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await confirmAddress(server, t.userId); // mail to outsiders needs a confirmed sender
    const api = await apiClient(server, t);
    const cookie = t.jar.header(t.host);
    const form = (body: Record<string, string>) =>
      server.fetch(t.host, "/customers", {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: t.csrf, ...body }).toString(),
      });
    const saved = await server.fetch(t.host, "/settings/profile/language", {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: t.csrf, language: "es" }).toString(),
    });
    assert.equal(saved.status, 200);

    const refused = await form({ name: "Carnes Sur", email: "not-an-address", language: "fr" });
    assert.equal(refused.status, 422);
    const html = await refused.text();
    assert.match(html, /Escriba una dirección de correo válida\./);
    assert.match(html, /Elija uno de: en, es\./);
    // What the page shows (the island's props carry the English checks to recognize them).
    const shown = html.replace(/<script[\s\S]*?<\/script>/g, "").replace(/data-props="[^"]*"/g, "");
    assert.doesNotMatch(shown, /Enter a valid e-mail address|Choose one of/);
    const count = await api.ok("GET", "/api/v1/customers?q=Carnes");
    assert.equal(count.data.length, 0, "nothing was written");

    // A flow's refusal: sending an invoice to a customer with no address.
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Sin Correo" }, 201);
    const invoice = await api.ok("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: businessDay(
        server.services.clock,
        server.services.registry.timeZoneOf(t.tenantId),
      ),
      lines: [{ description: "Ribeye", cases: 1, price: 10, price_basis: "case" }],
    }, 201);
    const send = await server.fetch(t.host, `/invoices/${invoice.id}/send`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: t.csrf, to: "", message: "" }).toString(),
    });
    const sendPage = await send.text();
    assert.match(sendPage, /No hay dirección de correo del cliente: indique una\./);
    assert.doesNotMatch(sendPage, /No e-mail address for the customer/);

    // An error page too.
    const missing = await server.fetch(t.host, "/customers/01hzzzzzzzzzzzzzzzzzzzzzzz", {
      headers: { cookie },
    });
    const page = await missing.text();
    assert.equal(missing.status, 404);
    assert.match(page, /<html lang="es">/);
    assert.match(page, /<h1>No encontrado<\/h1>/);
    assert.match(page, /Ir a la página de inicio/);

    // The API: English by default, with its stable code; Spanish when the client asks.
    const english = await api.call("POST", "/api/v1/customers", { name: "X", email: "nope" });
    assert.equal(english.status, 422);
    assert.equal(english.body.error.code, "invalid_request");
    assert.equal(english.body.error.message, "Some fields need attention.");
    assert.deepEqual(english.body.error.details.email, ["Enter a valid e-mail address."]);
    const spanish = await server.fetch(t.host, "/api/v1/customers", {
      method: "POST",
      headers: {
        authorization: `Bearer ${api.token}`,
        "content-type": "application/json",
        "accept-language": "es-MX,es;q=0.9",
      },
      body: JSON.stringify({ name: "X", email: "nope" }),
    });
    const body = await spanish.json();
    assert.equal(spanish.status, 422);
    assert.equal(body.error.code, "invalid_request");
    assert.equal(body.error.message, "Algunos campos necesitan atención.");
    assert.deepEqual(body.error.details.email, ["Escriba una dirección de correo válida."]);
  } finally {
    await server.close();
  }
});

Deno.test("translateErrorText() translates zod's own default messages by their shape, and leaves look-alikes", () => {
  const zodSays = (check: z.ZodType, value: unknown) =>
    check.safeParse(value).error!.issues[0]!.message;
  const cases: Array<[string, string]> = [
    [
      zodSays(z.string().max(120), "x".repeat(121)),
      "Demasiado grande: se esperaba que texto tuviera <=120 caracteres",
    ],
    [
      zodSays(z.string().min(2), "x"),
      "Demasiado pequeño: se esperaba que texto tuviera >=2 caracteres",
    ],
    [zodSays(z.number().max(5), 6), "Demasiado grande: se esperaba que número fuera <=5"],
    [zodSays(z.string(), undefined), "Entrada no válida: se esperaba texto, se recibió nada"],
    [zodSays(z.string().email(), "nope"), "Formato no válido: dirección de correo electrónico"],
    [zodSays(z.enum(["a", "b"]), "c"), 'Opción no válida: se esperaba una de "a"|"b"'],
    [zodSays(z.strictObject({}), { x: 1 }), 'Clave no reconocida: "x"'],
    [zodSays(z.union([z.literal(""), z.string().email()]), 5), "Formato no válido: entrada"],
  ];
  for (const [english, spanish] of cases) {
    assert.equal(translateErrorText(english, CATALOGUES.en, es), spanish, english);
    assert.equal(
      translateErrorText(english, CATALOGUES.en, translator("en")),
      english,
      "English reads as zod wrote it",
    );
  }
  assert.equal(translateErrorText("Invalid cursor.", CATALOGUES.en, es), "Invalid cursor.");
  assert.equal(
    translateErrorText(
      "The file is not valid CSV: A quoted cell is not closed.",
      CATALOGUES.en,
      es,
    ),
    "El archivo no es un CSV válido: Una celda entre comillas no está cerrada.",
    "the CSV reader's own problem is translated in turn",
  );
});

Deno.test("the sign-up form and Settings → Company answer zod's and their own checks in Spanish", async () => {
  const server = await startTestServer();
  try {
    // Sign-up, a browser asking for Spanish.
    const jar = new CookieJar();
    const signup = await server.fetch("localhost", "/signup", {
      headers: { "accept-language": "es" },
    });
    jar.store("localhost", signup);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await signup.text())?.[1] ?? "";
    const refused = await server.fetch("localhost", "/signup", {
      method: "POST",
      headers: {
        cookie: jar.header("localhost"),
        origin: `http://localhost:${server.port}`,
        "accept-language": "es",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        _csrf: csrf,
        company_name: "",
        slug: "a--b",
        owner_name: "x".repeat(121),
        email: "nope",
        password: "short",
      }).toString(),
    });
    assert.equal(refused.status, 422);
    const html = await refused.text();
    for (
      const spanish of [
        "Algunos campos necesitan atención.",
        "Escriba el nombre de su empresa.",
        "No use dos guiones seguidos.",
        "Demasiado grande: se esperaba que texto tuviera &lt;=120 caracteres",
        "Escriba una dirección de correo válida.",
      ]
    ) assert.ok(html.includes(spanish), `${spanish} not on the sign-up page`);
    assert.doesNotMatch(
      html,
      /Enter your company name|two hyphens|Too big|valid e-mail|need attention/,
    );
    const none = await server.services.control.execute("SELECT count(*) AS n FROM tenants");
    assert.equal(Number(none.rows[0]!.n), 0, "no workspace was created");

    // Settings → Company, a member who chose Spanish.
    const t = await signUpTenant(server);
    const cookie = t.jar.header(t.host);
    const post = (path: string, body: Record<string, string>) =>
      server.fetch(t.host, path, {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: t.csrf, ...body }).toString(),
      });
    assert.equal((await post("/settings/profile/language", { language: "es" })).status, 200);
    const company = await post("/settings/company", {
      company_name: "x",
      company_email: "not-an-address",
      company_phone: "5".repeat(41),
    });
    assert.equal(company.status, 422);
    const page = await company.text();
    assert.match(page, /Escriba el nombre de su empresa\./);
    assert.doesNotMatch(
      page,
      /Enter your company name|Too big|Invalid input|Use at most|valid e-mail/,
    );
    const name = await server.services.control.execute({
      sql: "SELECT name FROM tenants WHERE id = ?",
      args: [t.tenantId],
    });
    assert.notEqual(name.rows[0]!.name, "x", "nothing was saved");
  } finally {
    await server.close();
  }
});

/** The end of a template literal opened just before `start`: its text with `${…}` as `{}`. */
function templateAt(src: string, start: number): { text: string; end: number } {
  let text = "";
  let i = start;
  while (i < src.length && src[i] !== "`") {
    if (src[i] === "\\") {
      text += src[i + 1];
      i += 2;
    } else if (src.startsWith("${", i)) {
      let depth = 1;
      i += 2;
      while (depth > 0) {
        if (src[i] === "`") i = templateAt(src, i + 1).end;
        else if (src[i] === "{") depth++;
        else if (src[i] === "}") depth--;
        i++;
      }
      text += "{}";
    } else text += src[i++];
  }
  return { text, end: i };
}

/** The errors a user reads (domain/errors.ts); a plain `Error` is a fault, answered as a 500. */
const USER_ERROR =
  /new (?:App|Invalid|Unauthorized|Forbidden|NotFound|Conflict|RateLimited)Error\(\s*(["`])/g;

/**
 * Every message domain code throws (`new InvalidError(` and its kin, then a string, strings joined with `+`, or a
 * template): `{}` marks a template's value. Messages built elsewhere and passed in a variable
 * are not seen (their texts are tested where they are made).
 */
async function thrownTemplates(): Promise<Array<{ file: string; text: string }>> {
  const out: Array<{ file: string; text: string }> = [];
  const root = new URL(".", import.meta.url);
  const files: string[] = [];
  const walk = async (dir: URL, prefix: string) => {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory) await walk(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`);
      else if (/\.tsx?$/.test(entry.name) && !/_test\.tsx?$/.test(entry.name)) {
        files.push(`${prefix}${entry.name}`);
      }
    }
  };
  await walk(root, "");
  for (const file of files.sort()) {
    const src = await Deno.readTextFile(new URL(file, root));
    for (const m of src.matchAll(USER_ERROR)) {
      const start = m.index! + m[0].length;
      if (m[1] === "`") {
        out.push({ file, text: templateAt(src, start).text });
        continue;
      }
      // One string, or several joined with `+`.
      const joined = /^((?:"(?:[^"\\]|\\.)*"\s*\+\s*)*"(?:[^"\\]|\\.)*")/.exec(
        src.slice(start - 1),
      );
      const text = [...joined![1]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((s) =>
        JSON.parse(`"${s[1]}"`)
      )
        .join("");
      out.push({ file, text });
    }
  }
  return out;
}

/** A thrown template's text as a member could read it (its `{}` filled in). */
const SAMPLES: Record<string, string> = {
  "The file is not valid CSV: {}": "The file is not valid CSV: Unclosed quote at line 3",
  "At most {} rows per import.": "At most 5000 rows per import.",
  "No such {}.": "No such customer.",
  "Another {} already has this {}.": "Another customer already has this name.",
  "This {} was changed by someone else since you opened it. Reload and apply your change again.":
    "This customer was changed by someone else since you opened it. Reload and apply your change again.",
  "This {} was changed meanwhile.": "This load was changed meanwhile.",
  "A {} cannot be deleted.": "A payment cannot be deleted.",
  "This {} is still referenced by {}. Archive it instead.":
    "This supplier is still referenced by 2 purchase orders, 1 contacts. Archive it instead.",
  "No e-mail address for {}: give one.": "No e-mail address for the customer: give one.",
  "Order {} is cancelled; no load can be booked on it.":
    "Order SO-20001 is cancelled; no load can be booked on it.",
  "This dispute was already {} on {}; nothing was changed.":
    "This dispute was already rejected on 2026-12-01; nothing was changed.",
  "Only an {} or an owner can decide this request.":
    "Only an admin or an owner can decide this request.",
  "This request was already {}.": "This request was already approved.",
  "Only {} can override a credit hold.": "Only a broker or admin can override a credit hold.",
  "{} {} can override the credit hold.":
    "Boston Grocers is on credit hold. An admin or owner can override the credit hold.",
  "Needs approval: rule '{}' needs an {} to approve this {} before it can be {}. Save it as draft and the approval is asked for; nothing was saved.":
    "Needs approval: rule 'Big PO' needs an admin to approve this purchase order before it can be approved. Save it as draft and the approval is asked for; nothing was saved.",
  "Waiting for approval: rule '{}' needs an {} to approve this {} ({}) before its status can change.":
    "Waiting for approval: rule 'Big PO' needs an admin to approve this purchase order (confirmed) before its status can change.",
  "Blocked by rule '{}': {}": "Blocked by rule 'Big PO': Ask Dana first.",
  "The file is larger than the {} MB limit. Split it or reduce its size and try again.":
    "The file is larger than the 25 MB limit. Split it or reduce its size and try again.",
  "The new {} needs attention.": "The new invoice needs attention.",
  "{} already exists. Link this document to it, or change the number.":
    "Invoice INV-1042 already exists. Link this document to it, or change the number.",
  "This file is {}. Upload a PDF, PNG, JPEG, plain text or CSV file.":
    "This file is a GIF image. Upload a PDF, PNG, JPEG, plain text or CSV file.",
  "This {} is damaged or incomplete{}. Export it again and upload the new file.":
    "This PDF is damaged or incomplete (no pages). Export it again and upload the new file.",
  "{} is the workspace's own currency: it needs no rate.":
    "USD is the workspace's own currency: it needs no rate.",
  "Only {} can change a customer's credit hold or credit limit.":
    "Only an owner or admin can change a customer's credit hold or credit limit.",
  "This payment cannot be restored: {}": "This payment cannot be restored: Required.",
  "The payment date ({}) is after today ({}): record a payment once it is made or received.":
    "The payment date (2026-12-09) is after today (2026-12-08): record a payment once it is made or received.",
  "Line {} is priced per case but has no cases: enter the number of cases.":
    "Line 2 is priced per case but has no cases: enter the number of cases.",
  "Line {} is priced per case but has no cases, so its price cannot be applied to its weight: enter the number of cases, or price the line per weight unit.":
    "Line 1 is priced per case but has no cases, so its price cannot be applied to its weight: enter the number of cases, or price the line per weight unit.",
  "Line {} is priced per weight unit but has no weight: enter the weight, or price the line per case.":
    "Line 3 is priced per weight unit but has no weight: enter the weight, or price the line per case.",
};

Deno.test("every message domain code throws has its Spanish, the values of templates kept", async () => {
  const thrown = await thrownTemplates();
  assert.ok(thrown.length > 50, `the scan found ${thrown.length} messages`);
  const untranslated: string[] = [];
  const seen = new Set<string>();
  for (const { file, text } of thrown) {
    const sample = text.includes("{}") ? SAMPLES[text] : text;
    if (text.includes("{}")) seen.add(text);
    if (sample === undefined) {
      untranslated.push(`${file}: a new template, add a sample and its pattern: ${text}`);
      continue;
    }
    const spanish = translateErrorText(sample, CATALOGUES.en, es);
    if (spanish === sample) untranslated.push(`${file}: ${sample}`);
  }
  assert.deepEqual(untranslated, []);
  const stale = Object.keys(SAMPLES).filter((template) => !seen.has(template));
  assert.deepEqual(stale, [], "samples of templates no longer thrown");
});

Deno.test("an image too large to read is explained in Spanish, its sizes and limits kept", () => {
  const limits = { maxPixels: 40_000_000, maxDecodedBytes: 256 * 1024 * 1024 };
  const pixels = imageTooLarge({ width: 20000, height: 20000, channels: 4, bitDepth: 8 }, limits)!;
  assert.equal(
    translateErrorText(pixels, CATALOGUES.en, es),
    "Esta imagen mide 20000 x 20000 píxeles (400 megapíxeles); el límite es de 40 megapíxeles. " +
      "Escanee a 300 ppp o menos, o reduzca el tamaño de la imagen, y súbala de nuevo.",
  );
  const memory = imageTooLarge({ width: 6000, height: 6000, channels: 4, bitDepth: 16 }, limits)!;
  assert.match(
    translateErrorText(memory, CATALOGUES.en, es),
    /^Esta imagen \(6000 x 6000 píxeles, 4 canales de 16 bits\) necesita unos 275 MB de memoria para leerse; el límite es de 256 MB\./,
  );
  assert.equal(
    translateErrorText("Image too large.", CATALOGUES.en, es),
    "Imagen demasiado grande.",
  );
});
