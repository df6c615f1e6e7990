/**
 * @module bench/records
 * The brokerage benchmark: a tenant with 10,000 purchase orders (with lines), 5,000 sales
 * orders, loads and invoices, written straight into its database in one transaction (the API
 * would take minutes and is not what is measured), then wrk on the PO list (a filter and a sort,
 * 50 rows), the dashboard page and global search, beside the bare Hono route of the same run.
 */
import { openDatabase } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import { addDays } from "../domain/rules/due_dates.ts";
import { runWrk, type WrkResult } from "./wrk.ts";

export interface RecordCounts {
  purchaseOrders: number;
  invoices: number;
}

/** Fills the tenant database at `path` (encrypted with `encryptionKey`) with a year of business. */
export async function seedBusiness(
  path: string,
  counts: RecordCounts,
  encryptionKey?: string,
): Promise<void> {
  const db = await openDatabase({ url: `file:${path}`, encryptionKey });
  const tx = await db.transaction("write");
  const now = new Date().toISOString();
  const today = now.slice(0, 10);
  let rnd = 42;
  const next = () => (rnd = (rnd * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)]!;
  const audit = `version, created_at, updated_at`;
  const stamp = [1, now, now];
  const search = async (collection: string, id: string, title: string, body: string) => {
    const rs = await tx.execute({
      sql:
        "INSERT INTO search_docs (collection, record_id, title, subtitle) VALUES (?, ?, ?, ?) RETURNING rowid",
      args: [collection, id, title, collection],
    });
    await tx.execute({
      sql: "INSERT INTO search_index (rowid, title, body) VALUES (?, ?, ?)",
      args: [rs.rows[0]!.rowid as number, title, body],
    });
  };
  try {
    const suppliers: string[] = [];
    for (let i = 0; i < 60; i++) {
      const id = newId();
      const name = `Supplier ${i} Packing`;
      await tx.execute({
        sql: `INSERT INTO suppliers (id, name, city, ${audit}) VALUES (?, ?, ?, ?, ?, ?)`,
        args: [id, name, "Greeley", ...stamp],
      });
      await search("suppliers", id, name, name);
      suppliers.push(id);
    }
    const customers: string[] = [];
    for (let i = 0; i < 80; i++) {
      const id = newId();
      const name = `Customer ${i} Foods`;
      await tx.execute({
        sql:
          `INSERT INTO customers (id, name, payment_terms, ${audit}) VALUES (?, ?, 'Net 30', ?, ?, ?)`,
        args: [id, name, ...stamp],
      });
      await search("customers", id, name, name);
      customers.push(id);
    }
    const carriers: string[] = [];
    for (let i = 0; i < 30; i++) {
      const id = newId();
      const mc = String(400000 + i);
      await tx.execute({
        sql: `INSERT INTO carriers (id, name, mc_number, ${audit}) VALUES (?, ?, ?, ?, ?, ?)`,
        args: [id, `Carrier ${i} Reefer`, mc, ...stamp],
      });
      await search("carriers", id, `Carrier ${i} Reefer`, `MC ${mc} MC${mc}`);
      carriers.push(id);
    }
    const statuses = ["draft", "pending", "approved", "approved", "delivered", "delivered"];
    const pos: Array<{ id: string; total: number; date: string }> = [];
    for (let i = 0; i < counts.purchaseOrders; i++) {
      const id = newId();
      const date = addDays(today, -Math.floor(next() * 365));
      let total = 0;
      const lines: Array<[number, number, number]> = [];
      for (let l = 0; l < 1 + Math.floor(next() * 3); l++) {
        const weight = 10000 + Math.floor(next() * 30000);
        const price = 1 + Math.round(next() * 300) / 100;
        const amount = Math.round(weight * price * 100);
        total += amount;
        lines.push([weight, price, amount]);
      }
      const number = `PO-${10001 + i}`;
      await tx.execute({
        sql: `INSERT INTO purchase_orders (id, number, supplier_id, order_date, status, total_cents,
                outstanding_cents, total_weight_lb, ${audit}) VALUES (?, ?, ?, ?, ?, ?, ?, 30000, ?, ?, ?)`,
        args: [id, number, pick(suppliers), date, pick(statuses), total, total, ...stamp],
      });
      for (const [l, [weight, price, amount]] of lines.entries()) {
        await tx.execute({
          sql:
            `INSERT INTO purchase_order_lines (id, purchase_order_id, position, description, weight, price, amount_cents)
                VALUES (?, ?, ?, 'Beef trim', ?, ?, ?)`,
          args: [newId(), id, l, weight, price, amount],
        });
      }
      await search("purchase-orders", id, number, `${number} Beef trim`);
      pos.push({ id, total, date });
    }
    const invoiceEvery = Math.max(1, Math.floor(counts.purchaseOrders / counts.invoices));
    for (const [i, po] of pos.entries()) {
      if (i % invoiceEvery !== 0 || i / invoiceEvery >= counts.invoices) continue;
      const customer = pick(customers);
      const soId = newId();
      const sale = Math.round(po.total * 1.06);
      await tx.execute({
        sql:
          `INSERT INTO sales_orders (id, number, customer_id, purchase_order_id, order_date, status, total_cents, ${audit})
              VALUES (?, ?, ?, ?, ?, 'delivered', ?, ?, ?, ?)`,
        args: [soId, `SO-${20001 + i}`, customer, po.id, po.date, sale, ...stamp],
      });
      await tx.execute({
        sql:
          `INSERT INTO loads (id, number, carrier_id, purchase_order_id, sales_order_id, pickup_appointment,
                freight_cents, status, ${audit}) VALUES (?, ?, ?, ?, ?, ?, ?, 'delivered', ?, ?, ?)`,
        args: [
          newId(),
          `L-${30001 + i}`,
          pick(carriers),
          po.id,
          soId,
          `${addDays(po.date, 2)}T08:00`,
          300000,
          ...stamp,
        ],
      });
      const paid = next() < 0.8 ? sale : 0;
      const invoiceDate = addDays(po.date, 5);
      await tx.execute({
        sql:
          `INSERT INTO invoices (id, number, customer_id, sales_order_id, invoice_date, due_date, state,
                subtotal_cents, total_cents, paid_cents, outstanding_cents, ${audit})
              VALUES (?, ?, ?, ?, ?, ?, 'sent', ?, ?, ?, ?, ?, ?, ?)`,
        args: [
          newId(),
          `INV-${50001 + i}`,
          customer,
          soId,
          invoiceDate,
          addDays(invoiceDate, 30),
          sale,
          sale,
          paid,
          sale - paid,
          ...stamp,
        ],
      });
    }
    await tx.commit();
    // Fold the write-ahead log into the database, as a running server would have long since.
    await db.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    tx.close();
    db.close();
  }
}

export interface RecordFigures {
  list: WrkResult;
  dashboard: WrkResult;
  search: WrkResult;
  listSingle: WrkResult;
  dashboardSingle: WrkResult;
  searchSingle: WrkResult;
}

export const LIST_PATH = "/api/v1/purchase-orders?status=approved&sort=-order_date&limit=50";
export const SEARCH_PATH = "/api/v1/search?q=Supplier%2012";

/** wrk at 50 connections (throughput and p99 under load) and at 1 (one user's latency). */
export async function measureRecords(
  port: number,
  slug: string,
  token: string,
  seconds: number,
): Promise<RecordFigures> {
  const headers = { Host: `${slug}.localhost:${port}`, Authorization: `Bearer ${token}` };
  const url = (path: string) => `http://127.0.0.1:${port}${path}`;
  // A short warm-up per route (JIT, caches, SQLite pages), as a server in service would be.
  for (const path of [LIST_PATH, "/", SEARCH_PATH]) {
    await runWrk(url(path), { seconds: 2, headers });
  }
  return {
    list: await runWrk(url(LIST_PATH), { seconds, headers }),
    dashboard: await runWrk(url("/"), { seconds, headers }),
    search: await runWrk(url(SEARCH_PATH), { seconds, headers }),
    listSingle: await runWrk(url(LIST_PATH), {
      seconds: Math.max(2, seconds / 2),
      headers,
      connections: 1,
    }),
    dashboardSingle: await runWrk(url("/"), {
      seconds: Math.max(2, seconds / 2),
      headers,
      connections: 1,
    }),
    searchSingle: await runWrk(url(SEARCH_PATH), {
      seconds: Math.max(2, seconds / 2),
      headers,
      connections: 1,
    }),
  };
}
