/**
 * The assistant on payables: "what do we owe Polar Haul?" is answered from the tenant's open
 * bills (paid and void ones left out), with links to them.
 */
import assert from "node:assert/strict";
import { FixedClock } from "../domain/clock.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { understand } from "./intents.ts";

const TODAY = "2026-11-25";

Deno.test("understand(): what we owe a vendor is a payables question, what a customer owes is not", () => {
  assert.deepEqual(understand("What do we owe Polar Haul?", TODAY), {
    kind: "vendor_payables",
    vendor: "Polar Haul",
  });
  assert.deepEqual(understand("how much do we owe to the carrier Polar Haul", TODAY), {
    kind: "vendor_payables",
    vendor: "Polar Haul",
  });
  assert.deepEqual(understand("open bills from Prairie Packers?", TODAY), {
    kind: "vendor_payables",
    vendor: "Prairie Packers",
  });
  assert.deepEqual(understand("payables", TODAY), { kind: "vendor_payables", vendor: null });
  assert.equal(understand("What does Lone Star Grocers owe?", TODAY).kind, "customer_balance");
  assert.equal(understand("Which customer owes us the most?", TODAY).kind, "aging");
});

Deno.test("the assistant answers what we owe a vendor from its open bills, with links", async () => {
  const server = await startTestServer({}, { clock: new FixedClock(`${TODAY}T18:00:00Z`) });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const carrier = await api.ok("POST", "/api/v1/carriers", { name: "Polar Haul" }, 201);
    const other = await api.ok("POST", "/api/v1/carriers", { name: "Frostline" }, 201);
    const bill = (number: string, due: string, cents: number, carrierId = carrier.id) =>
      api.ok("POST", "/api/v1/bills", {
        kind: "carrier",
        carrier_id: carrierId,
        number,
        bill_date: "2026-10-01",
        due_date: due,
        charges_cents: cents,
      }, 201);
    const late = await bill("PH-1", "2026-11-01", 1_800_00);
    const soon = await bill("PH-2", "2026-12-05", 2_400_00);
    const paid = await bill("PH-3", "2026-11-30", 500_00);
    await api.ok("POST", "/api/v1/payments", {
      direction: "payable",
      amount_cents: 500_00,
      paid_on: TODAY,
      bill_id: paid.id,
    }, 201);
    await bill("FL-1", "2026-11-30", 700_00, other.id);

    const reply = await api.ok("POST", "/api/v1/assistant/messages", {
      message: "What do we owe Polar Haul?",
    });
    assert.equal(reply.intent, "vendor_payables");
    assert.match(
      reply.reply,
      /We owe Polar Haul \$4,200\.00 on 2 open bills \(\$1,800\.00 past due\)/,
    );
    assert.match(reply.reply, /PH-1: \$1,800\.00 due Nov 1, 2026 \(past due\)/);
    assert.doesNotMatch(reply.reply, /PH-3|FL-1|Frostline/);
    assert.deepEqual(
      reply.citations.map((c: { url: string }) => c.url),
      [`/bills/${late.id}`, `/bills/${soon.id}`],
    );

    const none = await api.ok("POST", "/api/v1/assistant/messages", {
      message: "what do we owe Nobody Trucking?",
    });
    assert.match(none.reply, /We owe nothing to “Nobody Trucking”/);
  } finally {
    await server.close();
  }
});
