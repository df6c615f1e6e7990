/**
 * @module i18n/spanish_pages
 * The pages a member reads, for the tests that render them in Spanish
 * (i18n/spanish_pages_test.ts: no English catalogue message left; i18n/spanish_words_test.ts: no
 * English word left, in a workspace with renamed record types and custom fields): each by a name
 * and its address, given the records seeded by `seedOneOfEach` and a document read into review.
 */
/** Workspace pages, by a name and a function of the seeded records to the address. */
export type Seeded = Record<
  | "purchase-orders"
  | "sales-orders"
  | "loads"
  | "invoices"
  | "payments"
  | "suppliers"
  | "customers"
  | "carriers"
  | "products"
  | "document",
  { id: string }
>;
export const SPANISH_PAGES: ReadonlyArray<[string, (s: Seeded) => string]> = [
  ["dashboard", () => "/"],
  ["profile", () => "/settings/profile"],
  ["two-step sign-in", () => "/settings/profile/second-factor"],
  ["notifications", () => "/notifications"],
  ["notification preferences", () => "/notifications/preferences"],
  ["option lists", () => "/settings/option-lists"],
  ["company settings", () => "/settings/company"],
  ["members", () => "/settings/members"],
  ["security log", () => "/settings/security?verify=1"],
  ["API tokens", () => "/settings/tokens"],
  ["single sign-on", () => "/settings/sso"],
  ["domain", () => "/settings/domains"],
  ["billing", () => "/settings/billing"],
  ["background jobs", () => "/settings/jobs"],
  ["alerts", () => "/settings/alerts"],
  ["your data", () => "/settings/data"],
  ["documents settings", () => "/settings/documents"],
  ["configuration", () => "/settings/configuration"],
  ["payments settings", () => "/settings/payments"],
  ["webhooks", () => "/settings/webhooks"],
  ["plugins", () => "/settings/plugins"],
  ["documents", () => "/documents"],
  ["document review", (s) => `/documents/${s.document.id}`],
  ["camera capture", () => "/documents/camera"],
  ["reports: margin", () => "/reports"],
  ["reports: margin by load", () => "/reports?report=margin&by=load"],
  ["reports: receivables aging", () => "/reports?report=aging"],
  ["reports: payables aging", () => "/reports?report=ap_aging"],
  ["search", () => "/search?q=Lengua"],
  ["search, nothing found", () => "/search?q=zzzz"],
  ["approvals", () => "/approvals"],
  ["assistant", () => "/assistant"],
  ["help", () => "/help"],
  ["help search", () => "/help?q=invoice"],
  ["what's new", () => "/whats-new"],
  ["CSV import of suppliers", () => "/suppliers/import"],
  ["CSV import of customers", () => "/customers/import"],
  ...(["purchase-orders", "sales-orders", "loads", "invoices", "payments"] as const).flatMap((
    collection,
  ) =>
    [
      [`${collection} list`, () => `/${collection}`],
      [`${collection} form`, () => `/${collection}/new`],
      [`${collection} detail`, (s: Seeded) => `/${collection}/${s[collection].id}`],
    ] as Array<[string, (s: Seeded) => string]>
  ),
  ...(["suppliers", "customers", "carriers", "products"] as const).flatMap((collection) =>
    [
      [`${collection} list`, () => `/${collection}`],
      [`${collection} form`, () => `/${collection}/new`],
      [`${collection} detail`, (s: Seeded) => `/${collection}/${s[collection].id}`],
    ] as Array<[string, (s: Seeded) => string]>
  ),
  // The flows: PO → sales order → load → invoice, and the proof of delivery.
  ["sell a PO", (s) => `/purchase-orders/${s["purchase-orders"].id}/sales-order/new`],
  ["book a load", (s) => `/sales-orders/${s["sales-orders"].id}/load/new`],
  ["invoice a load", (s) => `/loads/${s.loads.id}/invoice/new`],
  ["record a POD", (s) => `/loads/${s.loads.id}/pod`],
  ["send the rate confirmation", (s) => `/loads/${s.loads.id}/rate-confirmation/send`],
  ["send an invoice", (s) => `/invoices/${s.invoices.id}/send`],
  ["record a payment", (s) => `/customers/${s.customers.id}/receive-payment`],
  ["send a statement", (s) => `/customers/${s.customers.id}/statement`],
];
/** Pages before signing in, by host ("apex" or the workspace's) and address. */
export const SPANISH_PUBLIC_PAGES: ReadonlyArray<["apex" | "workspace", string]> = [
  ["apex", "/"],
  ["workspace", "/login"],
  ["apex", "/signup"],
  ["apex", "/login"],
  ["workspace", "/forgot-password"],
  ["workspace", "/reset-password?token=x"],
];
