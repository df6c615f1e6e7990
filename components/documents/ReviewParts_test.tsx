import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { FieldInput } from "./ReviewParts.tsx";
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
