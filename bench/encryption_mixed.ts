/**
 * @module bench/encryption_mixed
 * What encryption at rest costs on the mixed load (bench/mixed_load.ts's 90% reads / 10% writes
 * over many tenants), judged by CPU time: two servers in this process, one with plain and one with
 * encrypted tenant databases, the same tenants provisioned on both; then the same random sequence
 * of the mix's requests sent one at a time, each to both servers in alternating order, with the
 * process's CPU time taken around every request. A machine that others share slows both sides
 * alike request by request, where wrk runs minutes apart measure mostly the neighbours' load.
 * The CPU taken includes this process's client side of each request (the same on both sides).
 */
import { join } from "node:path";
import { cpuUsage } from "node:process";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { hostFetch } from "../tests/helpers/http.ts";
import { LocalDatabaseProvider } from "../tenants/database_provider.ts";
import { type MixedTenant, provisionMixedTenants } from "./mixed_load.ts";

/** One request of the mix: method, path and JSON body. */
export interface MixRequest {
  method: "GET" | "POST" | "PATCH";
  path: string;
  body?: unknown;
}

/**
 * The mix's request for a draw `r` in 1..1000, as the wrk script of bench/mixed_load.ts asks it:
 * 90% reads (PO list, PO, loads, invoices, dashboard, search, supplier), 10% writes (create a PO,
 * update one, create an invoice, create a load). `version` is the next version of the tenant's
 * PO under update.
 */
export function mixRequest(t: MixedTenant, r: number, pick: number, version: number, day: string) {
  const po = t.purchaseOrders[pick % t.purchaseOrders.length]!;
  const reads: Array<[number, string]> = [
    [300, "/api/v1/purchase-orders?status=approved&sort=-order_date&limit=50"],
    [450, `/api/v1/purchase-orders/${po}`],
    [550, "/api/v1/loads?limit=50"],
    [650, "/api/v1/invoices?limit=50"],
    [750, "/"],
    [850, "/api/v1/search?q=Packing"],
    [900, `/api/v1/suppliers/${t.supplier}`],
  ];
  const read = reads.find(([upTo]) => r <= upTo);
  if (read) return { method: "GET", path: read[1] } satisfies MixRequest;
  if (r <= 940) {
    return {
      method: "POST",
      path: "/api/v1/purchase-orders",
      body: {
        supplier_id: t.supplier,
        order_date: day,
        status: "approved",
        lines: [{ description: "Trim", cases: 10, weight: 400, price: 2 }],
      },
    } satisfies MixRequest;
  }
  if (r <= 970) {
    return {
      method: "PATCH",
      path: `/api/v1/purchase-orders/${t.updateTargets[0]}`,
      body: { version, notes: `mixed ${version}` },
    } satisfies MixRequest;
  }
  if (r <= 990) {
    return {
      method: "POST",
      path: "/api/v1/invoices",
      body: {
        customer_id: t.customer,
        sales_order_id: t.salesOrder,
        invoice_date: day,
        state: "draft",
        lines: [{ description: "Trim", weight: 400, price: 2.2 }],
      },
    } satisfies MixRequest;
  }
  return {
    method: "POST",
    path: "/api/v1/loads",
    body: {
      carrier_id: t.carrier,
      sales_order_id: t.salesOrder,
      delivery_location_id: t.location,
      freight_cents: 300000,
    },
  } satisfies MixRequest;
}

/** A small deterministic generator, so both sides get the same sequence. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

export interface MixedAlternatingFigures {
  requests: number;
  /** Median and mean CPU milliseconds per request of each side. */
  plain: { median: number; mean: number };
  encrypted: { median: number; mean: number };
}

/** The mixed load one request at a time on plain and encrypted servers side by side. */
export async function benchMixedAlternating(
  opts: { tenants: number; requests: number },
): Promise<MixedAlternatingFigures> {
  const start = async (plain: boolean) => {
    const dir = await Deno.makeTempDir({ prefix: "pm-bench-" });
    const server = await startTestServer(
      { DATA_DIR: dir, RATE_LIMIT_PER_IP: "100000000", RATE_LIMIT_PER_TENANT: "100000000" },
      plain ? { provider: new LocalDatabaseProvider(join(dir, "tenants")) } : {},
    );
    // The first sign-up makes the apex ready; the mix's tenants come through the API like wrk's.
    await signUpTenant(server);
    const tenants = await provisionMixedTenants(server.port, opts.tenants, {
      runs: 1,
      concurrency: 4,
      prefix: plain ? "plain" : "enc",
    });
    return { server, tenants, dir };
  };
  const sides = [await start(true), await start(false)];
  const day = new Date().toISOString().slice(0, 10);
  const cpu = [[], []] as number[][];
  const versions = [new Map<number, number>(), new Map<number, number>()];
  try {
    const once = async (side: 0 | 1, i: number, r: number, pick: number) => {
      const { server, tenants } = sides[side]!;
      const t = tenants[i]!;
      const version = versions[side]!.get(i) ?? 1;
      const req = mixRequest(t, r, pick, version, day);
      if (req.method === "PATCH") versions[side]!.set(i, version + 1);
      const before = cpuUsage();
      const res = await hostFetch(server.port, t.host, req.path, {
        method: req.method,
        ...(req.body === undefined ? {} : { json: req.body }),
        headers: { authorization: `Bearer ${t.token}` },
      });
      await res.arrayBuffer();
      const used = cpuUsage(before);
      if (res.status >= 300) throw new Error(`${req.method} ${req.path}: ${res.status}`);
      return (used.user + used.system) / 1000;
    };
    const random = seeded(Number(Deno.env.get("BENCH_SEED") ?? 42));
    const warm = Math.min(200, opts.requests);
    for (let n = 0; n < warm + opts.requests; n++) {
      const i = Math.floor(random() * opts.tenants);
      const r = 1 + Math.floor(random() * 1000);
      const pick = Math.floor(random() * 1000);
      const order: Array<0 | 1> = n % 2 ? [0, 1] : [1, 0];
      for (const side of order) {
        const ms = await once(side, i, r, pick);
        if (n >= warm) cpu[side]!.push(ms);
      }
    }
    const figures = (xs: number[]) => ({
      median: [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!,
      mean: xs.reduce((s, x) => s + x, 0) / xs.length,
    });
    return { requests: opts.requests, plain: figures(cpu[0]!), encrypted: figures(cpu[1]!) };
  } finally {
    for (const { server, dir } of sides) {
      await server.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  }
}
