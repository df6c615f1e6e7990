import assert from "node:assert/strict";
import { recordType } from "../catalog.ts";
import type { HistoryEntry } from "./audit.ts";
import { actionLabel, describeChanges, historyRefIds } from "./history.ts";

const po = recordType("purchase-orders")!;

const created: HistoryEntry = {
  id: "h1",
  at: "2026-12-06T06:47:00.000Z",
  user_id: null,
  action: "create",
  changes: {
    supplier_id: [null, "01supplier"],
    plant_id: [null, "01gone"],
    order_date: [null, "2026-12-03"],
    lines: [null, "1 line, 202800.00"],
    version: [null, 1],
    updated_at: [null, "2026-12-06T06:47:00.000Z"],
  },
};

Deno.test("historyRefIds() collects the ids that reference fields point at, by collection", () => {
  const ids = historyRefIds(po, [created]);
  assert.deepEqual([...ids.get("suppliers") ?? []], ["01supplier"]);
  assert.deepEqual([...ids.get("plants") ?? []], ["01gone"]);
  assert.equal(ids.has("purchase-orders"), false);
});

Deno.test("describeChanges() shows titles, formatted money and dates, never ids or raw numbers", () => {
  const titles = new Map([["01supplier", "Heartland Pork Co."]]);
  const text = describeChanges(po, created, titles).map((c) =>
    `${c.label}: ${c.before} → ${c.after}`
  );
  assert.deepEqual(text, [
    "Supplier: — → Heartland Pork Co.",
    "Plant: — → a deleted record",
    "Order date: — → Dec 3, 2026",
    "Lines: — → 1 line, $202,800.00",
  ]);
  assert.ok(!text.join("\n").includes("01"), "no internal id is shown");
});

Deno.test("describeChanges() formats money fields and the tenant's currency", () => {
  const invoice = recordType("invoices")!;
  const entry: HistoryEntry = {
    ...created,
    action: "update",
    changes: { tax_cents: [0, 12345] },
  };
  const [change] = describeChanges(invoice, entry, new Map(), {
    locale: "en-US",
    currency: "CAD",
  });
  assert.equal(`${change!.before} → ${change!.after}`, "CA$0.00 → CA$123.45");
});

Deno.test("actionLabel() reads as a verb", () => {
  assert.equal(actionLabel("create"), "Created");
  assert.equal(actionLabel("update"), "Changed");
  assert.equal(actionLabel("merge"), "Merge");
});
