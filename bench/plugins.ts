/**
 * @module bench/plugins
 * What plugins' hooks add to a record write (issue 15 target: p99 <= 3 ms more with three
 * plugins' beforeSave hooks). One workspace, sales orders created through the repository (no
 * HTTP, so the difference is the hooks' own), alternating writes with and without the hooks so
 * that both see the same database size and machine load. The three plugins: the margin guard
 * (reads the purchase order through the host), a pure check and one that reads the customer.
 *
 * `deno run -A bench/plugins.ts [--quick]` prints the figures; `deno task bench` includes them.
 */
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { putInState } from "../tests/helpers/billing.ts";
import { installForTest } from "../tests/helpers/plugins.ts";
import { bundleFrom } from "../plugins/host/bundle.ts";
import { createRecord } from "../domain/records/repository.ts";
import type { RecordContext } from "../domain/records/context.ts";
import { salesOrders } from "../domain/catalog.ts";
import { percentile } from "./stats.ts";

export interface PluginHookFigures {
  writes: number;
  p50Without: number;
  p99Without: number;
  p50With: number;
  p99With: number;
}

function hookPlugin(name: string, body: string) {
  return bundleFrom(
    "private",
    JSON.stringify({
      name,
      title: name,
      version: "1.0.0",
      apiVersion: "^1.0.0",
      permissions: ["read:sales-orders", "read:customers"],
      entryPoints: {
        hooks: [{ event: "beforeSave", collection: "sales-orders", handler: "check" }],
      },
    }),
    `export async function check(event, context) { ${body} }`,
  );
}

/** Measures `writes` sales order creations with and without three plugins' hooks. */
export async function benchPluginHooks(writes = 400): Promise<PluginHookFigures> {
  const server = await startTestServer({ RATE_LIMIT_PER_IP: "1000000" });
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "enterprise", "active");
    const api = await apiClient(server, t);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Bench Packers" }, 201);
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Bench Grocers" }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-02",
      lines: [{ description: "Brisket", weight: 40000, price: 2, price_basis: "weight" }],
    }, 201);
    await installForTest(server.services, t.tenantId, "margin-guard");
    await installForTest(
      server.services,
      t.tenantId,
      hookPlugin("pure-check", "return { ok: (event.lines ?? []).length < 100 };"),
    );
    await installForTest(
      server.services,
      t.tenantId,
      hookPlugin(
        "customer-check",
        "const c = await host.records.get('customers', event.values.customer_id); return { ok: !!c.name };",
      ),
    );
    const tenant = (await server.services.registry.findById(t.tenantId))!;
    const lease = await server.services.pool.acquire(tenant.id, tenant.dbUrl);
    try {
      const base: RecordContext = { db: lease.db, userId: t.userId, role: "owner" };
      const hooked: RecordContext = {
        ...base,
        hooks: server.services.plugins.hooksFor(t.tenantId, "2026-11-20", base),
      };
      const input = () => ({
        customer_id: customer.id,
        purchase_order_id: po.id,
        order_date: "2026-11-03",
        lines: [{ description: "Brisket", weight: 40000, price: 2.4, price_basis: "weight" }],
      });
      const without: number[] = [];
      const withHooks: number[] = [];
      for (let i = 0; i < 20; i++) await createRecord(hooked, salesOrders, input()); // warm up
      for (let i = 0; i < writes; i++) {
        for (const [ctx, into] of [[base, without], [hooked, withHooks]] as const) {
          const start = performance.now();
          await createRecord(ctx, salesOrders, input());
          into.push(performance.now() - start);
        }
      }
      return {
        writes,
        p50Without: percentile(without, 50),
        p99Without: percentile(without, 99),
        p50With: percentile(withHooks, 50),
        p99With: percentile(withHooks, 99),
      };
    } finally {
      lease.release();
    }
  } finally {
    await server.close();
  }
}

if (import.meta.main) {
  const f = await benchPluginHooks(Deno.args.includes("--quick") ? 100 : 400);
  console.log(JSON.stringify(f, null, 2));
  console.log(`p99 overhead: ${(f.p99With - f.p99Without).toFixed(2)} ms (target <= 3 ms)`);
}
