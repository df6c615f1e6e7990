import assert from "node:assert/strict";
import {
  acceptedLanguages,
  chooseLanguage,
  formatLocaleFor,
  formatsFor,
  messagesFor,
  shownLabel,
  translator,
  translatorOf,
  workspaceTranslator,
} from "./mod.ts";
import { money } from "../domain/format.ts";
import { date } from "../domain/format.ts";

Deno.test("chooseLanguage() prefers the saved choice, then the browser, then the workspace", () => {
  assert.equal(chooseLanguage({ saved: "es", acceptLanguage: "en-US,en;q=0.9" }), "es");
  assert.equal(chooseLanguage({ saved: null, acceptLanguage: "es-MX,es;q=0.9,en;q=0.5" }), "es");
  assert.equal(
    chooseLanguage({ acceptLanguage: "fr-FR,de;q=0.8", workspaceLocale: "es-MX" }),
    "es",
  );
  assert.equal(chooseLanguage({ acceptLanguage: "fr-FR", workspaceLocale: "fr-FR" }), "en");
  assert.equal(chooseLanguage({ saved: "fr", acceptLanguage: null }), "en");
});

Deno.test("acceptedLanguages() orders by q and drops the unsupported and q=0", () => {
  assert.deepEqual(acceptedLanguages("fr;q=1, en;q=0.4, es-MX;q=0.8"), ["es", "en"]);
  assert.deepEqual(acceptedLanguages("es;q=0, en"), ["en"]);
  assert.deepEqual(acceptedLanguages(""), []);
});

Deno.test("translator() formats plurals and arguments in each language", () => {
  assert.equal(translator("en")("bell.unread", { count: 1 }), "Notifications, 1 unread");
  assert.equal(translator("es")("bell.unread", { count: 3 }), "Notificaciones, 3 sin leer");
  assert.equal(translator("es")("shell.role", { role: "x" }), "Rol: x");
  // An unknown key reads as itself rather than failing the page.
  assert.equal(translator("es")("no.such.key"), "no.such.key");
});

Deno.test("messagesFor() hands an island only the messages it names", () => {
  const messages = messagesFor("es", ["bell.unread", "no.such.key"]);
  assert.deepEqual(Object.keys(messages), ["bell.unread"]);
  assert.equal(
    translatorOf("es", messages)("bell.unread", { count: 2 }),
    "Notificaciones, 2 sin leer",
  );
});

Deno.test("a workspace's reworded phrase wins in every language; renames as words only in English", () => {
  const phrases = { "Sign out": "Leave" };
  const words = (text: string) => text.replace("Dashboard", "Home");
  assert.equal(workspaceTranslator("es", phrases, words)("shell.sign_out"), "Leave");
  assert.equal(workspaceTranslator("en", phrases, words)("shell.sign_out"), "Leave");
  assert.equal(workspaceTranslator("en", {}, words)("nav.dashboard"), "Home");
  assert.equal(workspaceTranslator("es", {}, words)("nav.dashboard"), "Panel");
});

Deno.test("shownLabel() translates a built-in label and keeps a renamed one", () => {
  const t = translator("es");
  assert.equal(shownLabel(t, "Purchase orders"), "Órdenes de compra");
  assert.equal(shownLabel(t, "Supplier", "Packer"), "Packer");
  assert.equal(shownLabel(t, "Not in the catalogue"), "Not in the catalogue");
});

Deno.test("Spanish readers get money and dates in es-US style, the currency unchanged", () => {
  assert.equal(formatLocaleFor("es", "en-US"), "es-US");
  assert.equal(formatLocaleFor("es", "es-MX"), "es-MX");
  assert.equal(formatLocaleFor("en", "es-MX"), "en-US");
  const es = formatsFor({ locale: "en-US", currency: "USD" }, "es");
  assert.equal(money(20280000, es), "$202,800.00");
  assert.match(date("2026-12-06", es), /^6 dic 2026$/);
  assert.equal(
    date("2026-12-06", formatsFor({ locale: "en-US", currency: "USD" }, "en")),
    "Dec 6, 2026",
  );
});
