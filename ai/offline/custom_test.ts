/**
 * The offline reader fills a workspace's custom fields from labels it was never written for:
 * the field's label or a listed variant, beside or above its value, checked by the field's type
 * and pattern, each with a confidence and a reason.
 */
import assert from "node:assert/strict";
import { CustomFieldsSchema } from "../../customization/document/fields_schema.ts";
import { offlineProvider } from "./mod.ts";

const CUSTOM = CustomFieldsSchema.parse({
  loads: [
    {
      key: "container",
      label: "Container number",
      type: "text",
      document_labels: ["Cntr #", "Box ID"],
      document_pattern: "[A-Z]{4}\\s?\\d{7}",
    },
    { key: "vessel", label: "Vessel", type: "text" },
    { key: "hs_code", label: "HS code", type: "text", pattern: "^\\d{4}\\.\\d{2}$" },
    { key: "reefer_checked", label: "Reefer checked", type: "yes_no" },
  ],
  "purchase-orders": [{ key: "vessel", label: "Vessel", type: "text" }],
});

async function read(text: string) {
  const { raw } = await offlineProvider.extract({
    text,
    pages: 1,
    name: "bol.txt",
    customFields: CUSTOM,
  });
  return raw;
}

const BOL_HEAD = "STRAIGHT BILL OF LADING\nBOL #: 778812\nCarrier: Polar Haul Trucking\n";

Deno.test("the reader fills custom fields from a label variant beside its value", async () => {
  const raw = await read(
    BOL_HEAD + "Cntr #:   MSCU1234567\nVESSEL NAME:  n/a\nVessel   MAERSK KOBE\nHS code: 0202.30\n",
  );
  assert.equal(raw.classification, "bill_of_lading");
  assert.deepEqual(raw.fields.container, {
    value: "MSCU1234567",
    confidence: 0.9,
    why: 'label "Cntr" beside it',
  });
  assert.equal(raw.fields.vessel?.value, "MAERSK KOBE");
  assert.equal(raw.fields.hs_code?.value, "0202.30");
  assert.equal(raw.fields.reefer_checked, undefined, "not on the page: not filled");
  assert.equal(raw.fields.number, undefined, "no built-in field invented");
});

Deno.test("the reader fills custom fields from a row of labels over a row of values", async () => {
  const raw = await read(
    BOL_HEAD +
      "CONTAINER NO.       VESSEL            HS CODE     REEFER CHECKED\n" +
      "MSCU 7654321        EVER GIVEN        0206.29     YES\n",
  );
  assert.equal(raw.fields.container?.value, "MSCU 7654321");
  assert.equal(raw.fields.container?.confidence, 0.85);
  assert.equal(raw.fields.container?.why, 'label "CONTAINER NO." above it');
  assert.equal(raw.fields.vessel?.value, "EVER GIVEN");
  assert.equal(raw.fields.hs_code?.value, "0206.29");
  assert.equal(raw.fields.reefer_checked?.value, true);
});

Deno.test("a loosely matched label, a value that fails the pattern, and a value found by its pattern alone", async () => {
  const loose = await read(BOL_HEAD + "Containr Numbr: TGHU1112223\nHS code: beef trim\n");
  assert.equal(loose.fields.container?.value, "TGHU1112223");
  assert.equal(loose.fields.container?.confidence, 0.7);
  assert.match(loose.fields.container!.why!, /loosely/);
  assert.equal(loose.fields.hs_code, undefined, "a value that fails the field's pattern is left");

  const bare = await read(BOL_HEAD + "Equipment TGHU 9998887 sealed at plant\n");
  assert.equal(bare.fields.container?.value, "TGHU 9998887");
  assert.equal(bare.fields.container?.confidence, 0.6);
  assert.equal(bare.fields.container?.why, "found by its pattern, no label");

  const none = await read(BOL_HEAD + "Container number: pending\n");
  assert.equal(none.fields.container, undefined, "the pattern refuses a value that is not one");
});

Deno.test("custom fields of another record type are not read; OCR caps the confidence", async () => {
  const raw = await read("PURCHASE ORDER\nPO #: 4512\nCntr #: MSCU1234567\nVessel: ONE APUS\n");
  assert.equal(raw.classification, "purchase_order");
  assert.equal(raw.fields.container, undefined, "container is a load's field");
  assert.equal(raw.fields.vessel?.value, "ONE APUS");
  const { raw: ocr } = await offlineProvider.extract({
    text: BOL_HEAD + "Cntr #: MSCU1234567\n",
    pages: 1,
    name: "scan.png",
    method: "ocr",
    customFields: CUSTOM,
  });
  assert.equal(ocr.fields.container?.confidence, 0.75);
  assert.match(ocr.fields.container!.why!, /OCR/);
});
