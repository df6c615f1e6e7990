/**
 * @module tests/helpers/portal
 * A tenant ready for the customer invoice portal: a customer with an accounts-payable contact,
 * two sent invoices of that customer and one of another customer; the first invoice e-mailed
 * through the real send flow (by the owner, whose address it confirms first: mail to customers
 * needs a confirmed sender), its portal token read from the outbox. Also connects the tenant's
 * Stripe account through Settings → Payments, as an owner would.
 */
import type { SignedUp, TestServer } from "./server.ts";
import type { ApiClient } from "./api.ts";
import { confirmAddress } from "./members.ts";

// deno-lint-ignore no-explicit-any
type Rec = any;

export interface PortalFixture {
  customer: Rec;
  other: Rec;
  invoice: Rec;
  second: Rec;
  foreign: Rec;
  /** The portal token of `invoice`, from the e-mail. */
  token: string;
  /** The e-mail's body. */
  mailText: string;
}

/** The portal token in an e-mail's body. */
export function tokenIn(text: string): string {
  const match = /\/portal\/([\w-]+\.[\w-]+)/.exec(text);
  if (!match) throw new Error(`no portal link in: ${text}`);
  return match[1]!;
}

/** Seeds the customers and invoices and sends the first invoice. */
export async function seedPortal(
  server: TestServer,
  tenant: SignedUp,
  api: ApiClient,
): Promise<PortalFixture> {
  const customer = await api.ok("POST", "/api/v1/customers", {
    name: "Lone Star Grocers",
    email: "office@lonestar.example",
    payment_terms: "Net 30",
  }, 201);
  await api.ok("POST", "/api/v1/contacts", {
    first_name: "Ann",
    role: "Accounting / AP",
    email: "ap@lonestar.example",
    customer_id: customer.id,
  }, 201);
  const other = await api.ok("POST", "/api/v1/customers", { name: "Gulf Coast Foods" }, 201);
  const day = server.services.clock.now().toISOString().slice(0, 10);
  const invoice = await api.ok("POST", "/api/v1/invoices", {
    customer_id: customer.id,
    invoice_date: day,
    state: "draft",
    lines: [
      { description: "Beef trim 81/19", cases: 10, weight: 1000, price: 2 },
      { description: "Chuck rolls", cases: 5, weight: 500, price: 3 },
    ],
  }, 201);
  const second = await api.ok("POST", "/api/v1/invoices", {
    customer_id: customer.id,
    invoice_date: day,
    state: "sent",
    lines: [{ description: "Pork bellies", weight: 100, price: 1 }],
  }, 201);
  const foreign = await api.ok("POST", "/api/v1/invoices", {
    customer_id: other.id,
    invoice_date: day,
    state: "sent",
    lines: [{ description: "Secret brisket", weight: 100, price: 7 }],
  }, 201);
  await confirmAddress(server, tenant.userId);
  await api.ok("POST", `/api/v1/invoices/${invoice.id}/send`, {}, 201);
  const rs = await server.services.control.execute({
    sql: `SELECT body_text FROM outbox WHERE tenant_id = ? AND to_addr = 'ap@lonestar.example'
          ORDER BY created_at DESC LIMIT 1`,
    args: [tenant.tenantId],
  });
  const mailText = String(rs.rows[0]!.body_text);
  return { customer, other, invoice, second, foreign, token: tokenIn(mailText), mailText };
}

/** Saves Settings → Payments as the signed-in owner; returns the response. */
export async function savePayments(
  server: TestServer,
  tenant: SignedUp,
  fields: Record<string, string>,
): Promise<Response> {
  return await server.fetch(tenant.host, "/settings/payments", {
    method: "POST",
    headers: {
      cookie: tenant.jar.header(tenant.host),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ _csrf: tenant.csrf, link_days: "60", ...fields }).toString(),
  });
}

/** The tenant's security log entries with `action`, oldest first. */
export async function securityEntries(
  server: TestServer,
  tenantId: string,
  action: string,
): Promise<Rec[]> {
  const record = await server.services.registry.findById(tenantId);
  const lease = await server.services.pool.acquire(tenantId, record!.dbUrl);
  try {
    const rs = await lease.db.execute({
      sql: "SELECT action, target, details FROM security_events WHERE action = ? ORDER BY seq",
      args: [action],
    });
    return rs.rows.map((r) => ({ ...r, details: JSON.parse(String(r.details)) }));
  } finally {
    lease.release();
  }
}

/** Runs `work` with the tenant's database borrowed from the pool. */
export async function withTenantDb<T>(
  server: TestServer,
  tenantId: string,
  work: (db: Rec) => Promise<T>,
): Promise<T> {
  const record = await server.services.registry.findById(tenantId);
  const lease = await server.services.pool.acquire(tenantId, record!.dbUrl);
  try {
    return await work(lease.db);
  } finally {
    lease.release();
  }
}
