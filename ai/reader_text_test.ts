import assert from "node:assert/strict";
import { readerText } from "./reader_text.ts";
import { CATALOGUES, translator } from "../i18n/mod.ts";
import { pagesLeftUnread } from "./text.ts";

const es = translator("es");
const en = translator("en");
const SAMPLE = {
  label: "Lote",
  field: "Lot code",
  count: 3,
  why: "timeout",
  value: "zz",
  type: "x/y",
  from: "lb",
  to: "kg",
};

Deno.test("readerText() recognizes every reader.* message as the reader writes it, in Spanish", () => {
  const keys = Object.keys(CATALOGUES.en).filter((k) => k.startsWith("reader."));
  assert.ok(keys.length >= 30, `${keys.length} reader.* keys`);
  const wrong: string[] = [];
  for (const key of keys) {
    if (key === "reader.warning.unsure") continue; // its words are document kinds: below
    const args = { ...SAMPLE, total: 12, read: 10 };
    const english = en(key, args);
    const shown = readerText(english, es);
    if (shown !== es(key, args)) wrong.push(`${key}: ${english} -> ${shown}`);
    if (readerText(english, en) !== english) wrong.push(`${key}: English changed`);
  }
  assert.deepEqual(wrong, []);
});

Deno.test("readerText() translates each of a field's joined reasons and a page-limit note as written", () => {
  assert.equal(
    readerText("found by position, no label; the number nearest a date of 2", es),
    "encontrado por su posición, sin etiqueta; de 2 números, el más cercano a una fecha",
  );
  // A draft read before the rule took the nearest number still reads in Spanish.
  assert.equal(
    readerText("the first number beside a date of 3", es),
    "de 3 números, el más cercano a una fecha",
  );
  assert.equal(
    readerText("label matched loosely; read by OCR", es),
    "etiqueta reconocida de forma aproximada; leído por OCR",
  );
  // What ai/offline/sentences.ts writes for a date read from running text.
  assert.equal(
    readerText("read from a sentence; year from the document's dates", es),
    "leído de una frase; año tomado de las fechas del documento",
  );
  // What ai/offline/table_row.ts writes for a weight put in the unit its line is priced by.
  assert.equal(
    readerText("weight converted from lb to kg, the price's unit; read by OCR", es),
    "peso convertido de lb a kg, la unidad del precio; leído por OCR",
  );
  assert.equal(
    readerText(`No text could be read from the scanned pages. ${pagesLeftUnread(40, 20)}`, es),
    "No se pudo leer texto de las páginas escaneadas. Este PDF tiene 40 páginas; solo se leyeron " +
      "las primeras 20 (el límite por documento). Suba las demás páginas como documentos aparte " +
      "si importan.",
  );
  assert.equal(
    readerText(
      "Unsure: purchase order or sales confirmation? Check the type before accepting.",
      es,
    ),
    "Tipo dudoso: ¿orden de compra o confirmación de venta? Revise el tipo antes de aceptar.",
  );
});

Deno.test("readerText() keeps a note it does not know as written, after the ones it knows", () => {
  assert.equal(readerText("a plugin's own note", es), "a plugin's own note");
  assert.equal(readerText("read by OCR; a plugin's note", es), "leído por OCR; a plugin's note");
});

Deno.test("readerText() gives a refusal the domain words, such as an image too large to read, in Spanish", () => {
  const note = "This image is 20000 x 20000 pixels (400 megapixels); the limit is 40 megapixels. " +
    "Scan at 300 dpi or less, or reduce the image size, and upload it again.";
  assert.match(readerText(note, es), /^Esta imagen mide 20000 x 20000 píxeles \(400 megapíxeles\)/);
  assert.equal(readerText(note, en), note);
});
