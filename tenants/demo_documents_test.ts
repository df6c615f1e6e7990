import assert from "node:assert/strict";
import { DEMO_EMAIL, DEMO_PASSWORD, DEMO_SLUG, ensureDemoTenant } from "./demo.ts";
import { getCompanyDetails } from "../domain/company.ts";
import { startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { type ApiClient, clientWithToken } from "../tests/helpers/api.ts";
import { startWorker, waitForDocument } from "../tests/helpers/documents.ts";

const HOST = `${DEMO_SLUG}.localhost`;

async function demoClient(server: TestServer): Promise<ApiClient> {
  const res = await server.fetch(HOST, "/api/v1/auth/tokens", {
    method: "POST",
    json: { email: DEMO_EMAIL, password: DEMO_PASSWORD, name: "tests" },
  });
  assert.equal(res.status, 201, await res.clone().text());
  return clientWithToken(server, HOST, (await res.json()).token);
}

async function demoLease(server: TestServer) {
  const tenant = await server.services.registry.findBySlug(DEMO_SLUG);
  return await server.services.pool.acquire(tenant!.id, null);
}

Deno.test("ensureDemoTenant() queues a purchase order and a bill of lading the worker reads and matches", async () => {
  const server = await startTestServer();
  const worker = startWorker(server);
  let lease: Awaited<ReturnType<typeof demoLease>> | null = null;
  try {
    assert((await ensureDemoTenant(server.services)).created);
    const api = await demoClient(server);
    const listed = (await api.ok("GET", "/api/v1/documents")).data as Array<{ id: string }>;
    assert.equal(listed.length, 2);
    const docs = await Promise.all(listed.map((d) => waitForDocument(api, d.id)));
    const po = docs.find((d) => d.classification === "purchase_order");
    const bol = docs.find((d) => d.classification === "bill_of_lading");
    assert(po, `no purchase order among ${docs.map((d) => d.classification)}`);
    assert(bol, `no bill of lading among ${docs.map((d) => d.classification)}`);
    lease = await demoLease(server);
    const db = lease.db;

    // The PO: ready for review, its supplier and plant the demo's own, its number a new one.
    assert.equal(po.status, "review", po.status_message);
    assert.equal(po.draft.collection, "purchase-orders");
    const supplier = po.draft.parties.supplier_id;
    const plant = po.draft.parties.plant_id;
    assert(supplier?.match, `supplier not matched: ${JSON.stringify(supplier)}`);
    assert(plant?.match, `plant not matched: ${JSON.stringify(plant)}`);
    const plantRow = (await db.execute({
      sql: "SELECT supplier_id, est_number FROM plants WHERE id = ?",
      args: [plant.match.id],
    })).rows[0]!;
    assert.equal(String(plantRow.supplier_id), supplier.match.id);
    assert.equal(String(plantRow.est_number), plant.est_number);
    const number = po.draft.fields.number?.value;
    assert.equal(po.name, `${number}.pdf`);
    const taken = await db.execute({
      sql: "SELECT 1 FROM purchase_orders WHERE upper(number) = upper(?)",
      args: [number],
    });
    assert.equal(taken.rows.length, 0, `${number} is already a demo PO`);
    const today = new Date().toISOString().slice(0, 10);
    assert(po.draft.fields.pickup_date?.value > today, "pickup is not ahead of today");
    assert.equal(po.draft.lines.length, 2);
    for (const line of po.draft.lines) {
      assert.equal(line.weight_unit.value, "LB");
      assert(line.weight.value > 0 && line.price.value > 0);
      const product = await db.execute({
        sql: "SELECT 1 FROM products WHERE description = ? AND supplier_id = ?",
        args: [line.description.value, supplier.match.id],
      });
      assert.equal(product.rows.length, 1, `${line.description.value} is not a demo product`);
    }

    // The BOL: one booked load's BOL and seal numbers, its carrier matched by MC number.
    assert.equal(bol.status, "review", bol.status_message);
    const load = (await db.execute({
      sql: `SELECT l.status, l.seal_number, l.carrier_id, c.mc_number FROM loads l
            JOIN carriers c ON c.id = l.carrier_id WHERE l.bol_number = ?`,
      args: [bol.draft.fields.bol_number?.value ?? ""],
    })).rows;
    assert.equal(load.length, 1, "the BOL number is not one load's");
    assert.equal(load[0]!.status, "booked");
    assert.equal(bol.draft.fields.seal_number?.value, load[0]!.seal_number);
    assert.equal(bol.draft.parties.carrier_id?.mc_number, load[0]!.mc_number);
    assert.equal(bol.draft.parties.carrier_id?.match?.id, String(load[0]!.carrier_id));
    assert.notEqual(bol.draft.fields.pickup_temp_f?.value ?? null, null);

    // Its letterhead is filled in, so its invoices show where to send the money.
    const company = await getCompanyDetails(db, "");
    assert.equal(company.company_name, "Demo Meats Brokerage");
    assert.match(company.remittance_instructions, /routing/);

    // A second start leaves the demo alone: no further documents.
    assert.equal((await ensureDemoTenant(server.services)).created, false);
    assert.equal((await api.ok("GET", "/api/v1/documents")).data.length, 2);
  } finally {
    lease?.release();
    await worker.stop();
    await server.close();
  }
});

Deno.test("ensureDemoTenant() still makes the demo when its sample documents are refused", async () => {
  // Under the smallest allowed upload size every sample PDF is refused by intake.
  const server = await startTestServer({ DOCUMENT_MAX_BYTES: "1024" });
  try {
    assert((await ensureDemoTenant(server.services)).created);
    const api = await demoClient(server);
    assert.equal((await api.ok("GET", "/api/v1/documents")).data.length, 0);
    const suppliers = await api.ok("GET", "/api/v1/suppliers");
    assert(suppliers.data.length > 0, "the demo data is missing");
  } finally {
    await server.close();
  }
});
