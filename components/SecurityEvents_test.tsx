/**
 * The security log's details in the reader's language: a detail the catalogue names reads
 * translated, any other as its code name; the stored values are shown as written.
 */
import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { LanguageContext } from "./Words.tsx";
import { translator } from "../i18n/mod.ts";
import { EventDetails, targetText } from "./SecurityEvents.tsx";
import type { Language } from "../i18n/format.ts";

const DETAILS = {
  version: 1,
  role: "admin",
  read_only: true,
  master_key_id: "k-7",
  changes: ["branding.name"],
};

function details(language: Language): string {
  return renderToString(
    <LanguageContext.Provider value={{ language, t: translator(language) }}>
      <td>
        <EventDetails details={DETAILS} />
      </td>
    </LanguageContext.Provider>,
  ).replace(/&quot;/g, '"');
}

Deno.test("a security event's stored details read in the reader's language, values as written", () => {
  assert.equal(
    details("es"),
    '<td>versión: 1; rol: admin; solo lectura: sí; <code>master_key_id</code>: k-7; cambios: <code>["branding.name"]</code></td>',
  );
  assert.equal(
    details("en"),
    '<td>version: 1; role: admin; read only: yes; <code>master_key_id</code>: k-7; changes: <code>["branding.name"]</code></td>',
  );
  assert.deepEqual(Object.keys(DETAILS), [
    "version",
    "role",
    "read_only",
    "master_key_id",
    "changes",
  ]);
});

Deno.test("a configuration's target \"version 12\" reads in the reader's language; other targets as stored", () => {
  assert.equal(targetText(translator("es"), "version 12"), "versión 12");
  assert.equal(targetText(translator("en"), "version 12"), "version 12");
  assert.equal(targetText(translator("es"), "ana@example.com"), "ana@example.com");
  assert.equal(targetText(translator("es"), "version control"), "version control");
  assert.equal(targetText(translator("es"), null), "");
});
