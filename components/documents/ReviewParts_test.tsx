import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { FieldInput, LinesEditor } from "./ReviewParts.tsx";
import { recordType } from "../../domain/catalog.ts";

const field = recordType("purchase-orders")!.fields.find((f) =>
  f.name === "supplier_confirmation"
)!;
const html = (value: unknown, confidence?: number) =>
  renderToString(
    <FieldInput field={field} name={field.name} value={value} confidence={confidence} />,
  );

Deno.test("FieldInput says a value was not found, checks an unsure one, and leaves a sure one alone", () => {
  const missing = html(null, 0);
  assert.match(missing, /class="field low-confidence"/);
  assert.match(missing, /Not found in the document: fill it in if you have it\./);
  assert.doesNotMatch(missing, /0% confidence/);
  const unsure = html("SC70123", 0.5);
  assert.match(unsure, /Check this: read with 50% confidence\./);
  assert.match(unsure, /aria-describedby="f-supplier_confirmation-note"/);
  const sure = html("SC70123", 0.95);
  assert.doesNotMatch(sure, /low-confidence|Check this|Not found/);
  assert.doesNotMatch(html("SC70123"), /low-confidence/);
});

Deno.test("FieldInput says why a value's confidence is lowered, tied to the control", () => {
  const unsure = renderToString(
    <FieldInput
      field={field}
      name={field.name}
      value="SC70123"
      confidence={0.6}
      why="label matched loosely; read by OCR"
    />,
  );
  assert.match(
    unsure,
    /<p class="hint" id="f-supplier_confirmation-note">Check this: read with 60% confidence\. Label matched loosely; read by OCR\.<\/p>/,
  );
  assert.match(unsure, /aria-describedby="f-supplier_confirmation-note"/);
  // A confident value with a reason still says it, without asking for a check.
  const learned = renderToString(
    <FieldInput
      field={field}
      name={field.name}
      value="SC70123"
      confidence={0.95}
      why="label learned from a correction"
    />,
  );
  assert.match(learned, /Read with 95% confidence: Label learned from a correction\./);
  assert.doesNotMatch(learned, /low-confidence|Check this/);
  // A missing value has no reason to give; an error and the note are both described.
  const missing = renderToString(
    <FieldInput field={field} name={field.name} value="" confidence={0} why="read by OCR" />,
  );
  assert.doesNotMatch(missing, /read by OCR/i);
  const both = renderToString(
    <FieldInput
      field={field}
      name={field.name}
      value="X"
      confidence={0.5}
      why="generic label"
      error={["Too short."]}
    />,
  );
  assert.match(
    both,
    /aria-describedby="f-supplier_confirmation-error f-supplier_confirmation-note"/,
  );
  assert.match(both, /<p class="error" id="f-supplier_confirmation-error">Too short\.<\/p>/);
});

Deno.test("LinesEditor says why a line's value is unsure, for screen readers and on hover", () => {
  const def = recordType("purchase-orders")!;
  const draft = {
    collection: "purchase-orders",
    fields: {},
    parties: {},
    refs: {},
    warnings: [],
    lines: [{
      description: { value: "Beef chuck", confidence: 0.95 },
      price: { value: 3.25, confidence: 0.6, why: "price x quantity is not the amount" },
    }],
  };
  const out = renderToString(<LinesEditor def={def} draft={draft} errors={{}} />);
  assert.match(
    out,
    /<span class="visually-hidden" id="line-0-price-note">Check this: Price x quantity is not the amount\.<\/span>/,
  );
  assert.match(out, /aria-describedby="line-0-price-note"/);
  assert.equal(out.match(/visually-hidden/g)?.length, 1, "only the unsure value has a note");
});
