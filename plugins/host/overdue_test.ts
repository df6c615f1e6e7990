import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { putInState } from "../../tests/helpers/billing.ts";
import { installForTest } from "../../tests/helpers/plugins.ts";
import { bundleFrom } from "./bundle.ts";
import { tellPluginsOverdue } from "./overdue.ts";
import { parseManifest } from "../api/manifest.ts";

const manifest = {
  name: "credit-hold",
  title: "Credit hold",
  version: "1.0.0",
  apiVersion: "^1.1.0",
  permissions: ["read:invoices", "write:customers"],
  entryPoints: {
    hooks: [{ event: "invoiceOverdue", collection: "invoices", handler: "overdue" }],
  },
};

const code = `export async function overdue(event) {
  const customer = await host.records.get("customers", event.record.customer_id);
  await host.records.update("customers", customer.id, { credit_hold: true, version: customer.version });
  return { told: event.id };
}`;

Deno.test("an invoiceOverdue hook is told once per overdue invoice and may act on it", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "enterprise", "active");
    const api = await apiClient(server, t);
    const slow = await api.ok("POST", "/api/v1/customers", { name: "Slow Payers" }, 201);
    const prompt = await api.ok("POST", "/api/v1/customers", { name: "Prompt Payers" }, 201);
    const line = { description: "Wings", cases: 1, price: 100, price_basis: "case" };
    await api.ok("POST", "/api/v1/invoices", {
      customer_id: slow.id,
      invoice_date: "2020-01-01",
      due_date: "2020-01-31",
      state: "sent",
      lines: [line],
    }, 201);
    // A draft is not overdue, however old.
    await api.ok("POST", "/api/v1/invoices", {
      customer_id: prompt.id,
      invoice_date: "2020-01-01",
      due_date: "2020-01-31",
      lines: [line],
    }, 201);
    await installForTest(
      server.services,
      t.tenantId,
      bundleFrom("private", JSON.stringify(manifest), code),
    );
    const lease = await server.services.pool.acquire(t.tenantId, null);

    try {
      assert.equal(await tellPluginsOverdue(server.services, t.tenantId, lease.db), 1);
      assert.equal(await tellPluginsOverdue(server.services, t.tenantId, lease.db), 0, "once");
    } finally {
      lease.release();
    }
    assert.equal((await api.ok("GET", `/api/v1/customers/${slow.id}`)).credit_hold, true);
    assert.equal((await api.ok("GET", `/api/v1/customers/${prompt.id}`)).credit_hold, false);
  } finally {
    await server.close();
  }
});

Deno.test("an invoiceOverdue hook must be on invoices", () => {
  assert.throws(
    () =>
      parseManifest({
        ...manifest,
        permissions: ["read:customers"],
        entryPoints: {
          hooks: [{ event: "invoiceOverdue", collection: "customers", handler: "overdue" }],
        },
      }),
    /An invoiceOverdue hook is on the collection invoices/,
  );
});
