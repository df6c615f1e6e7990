/**
 * A purchase order and a rate confirmation are priced in the workspace's own currency (Settings →
 * Company), which they do not store: a Canadian broker's PDFs print Canadian dollars.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { pdfPages } from "../domain/documents/pdf.ts";

Deno.test("a CAD workspace's purchase order and rate confirmation print Canadian dollars", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const chosen = await server.fetch(t.host, "/settings/company/currency", {
      method: "POST",
      headers: {
        cookie: t.jar.header(t.host),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ _csrf: t.csrf, currency: "CAD" }).toString(),
    });
    await chosen.body?.cancel();
    assert.equal(chosen.status, 303);

    const api = await apiClient(server, t);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Maple Pack" }, 201);
    const carrier = await api.ok("POST", "/api/v1/carriers", { name: "Northern Reefer" }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-12-01",
      lines: [{ description: "Pork loin", cases: 100, weight: 4000, price: 2 }],
    }, 201);
    const load = await api.ok("POST", "/api/v1/loads", {
      purchase_order_id: po.id,
      carrier_id: carrier.id,
      freight_cents: 900_00,
    }, 201);

    const text = async (path: string) => {
      const res = await server.fetch(t.host, path, {
        headers: { authorization: `Bearer ${api.token}` },
      });
      assert.equal(res.status, 200, path);
      const pages = await pdfPages(new Uint8Array(await res.arrayBuffer()));
      return pages.map((p) => p.lines.join("\n").replace(/\s+/g, " ")).join(" ");
    };
    const order = await text(`/api/v1/purchase-orders/${po.id}/pdf`);
    assert.ok(order.includes("Total CA$8,000.00"), order);
    assert.ok(order.includes("CA$2.00/LB"), order);
    assert.doesNotMatch(order, /(^|[^A])\$/, "no bare dollar sign");
    const rate = await text(`/api/v1/loads/${load.id}/pdf`);
    assert.ok(rate.includes("Total rate CA$900.00"), rate);
  } finally {
    await server.close();
  }
});
