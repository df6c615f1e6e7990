import assert from "node:assert/strict";
import { recordType } from "../domain/catalog.ts";
import type { HistoryEntry } from "../domain/records/audit.ts";
import { describeChanges } from "../domain/records/history.ts";
import { formatsFor, translator } from "./mod.ts";
import { historyWords, translateRecordType } from "./records.ts";

Deno.test("a record's history reads in Spanish: labels, line counts, yes/no and a deleted record", () => {
  const po = translateRecordType(recordType("purchase-orders")!, "es");
  const entry: HistoryEntry = {
    id: "h1",
    at: "2026-12-06T06:47:00.000Z",
    user_id: null,
    action: "update",
    changes: {
      plant_id: ["01gone", null],
      lines: ["1 line, 100.00", "3 lines, 202800.00"],
      archived_at: [null, "2026-12-06T06:47:00.000Z"],
    },
  };
  const format = formatsFor({ locale: "es-MX", currency: "USD" }, "es");
  const text = describeChanges(po, entry, new Map(), format, historyWords(translator("es")))
    .map((c) => `${c.label}: ${c.before} → ${c.after}`);
  assert.equal(text[0], "Planta: un registro eliminado → —");
  assert.match(text[1]!, /^Líneas: 1 línea, .*100\.00 → 3 líneas, .*202,800\.00$/);
  assert.match(text[2]!, /^Archivado: — → /);
  assert.doesNotMatch(text.join("\n"), /\b(lines?|Yes|No|deleted)\b/);

  const suppliers = translateRecordType(recordType("suppliers")!, "es");
  const [change] = describeChanges(
    suppliers,
    { ...entry, changes: { credit_app_sent: [false, true] } },
    new Map(),
    format,
    historyWords(translator("es")),
  );
  assert.equal(`${change!.before} → ${change!.after}`, "No → Sí");
});
