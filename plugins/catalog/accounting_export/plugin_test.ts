/**
 * The accounting export over the real app: installed in an Enterprise workspace, its button is on
 * the invoices list and answers a QuickBooks IIF file with the sent invoices and their payments.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../tests/helpers/server.ts";
import { apiClient } from "../../../tests/helpers/api.ts";
import { putInState } from "../../../tests/helpers/billing.ts";
import { installForTest } from "../../../tests/helpers/plugins.ts";
// The plugin's own helpers are plain functions: tested here directly as well as in the sandbox.
import { clean, iifAmount, iifDate } from "./plugin.js";

Deno.test("IIF dates are MM/DD/YYYY and amounts two-place decimals from cents", () => {
  assert.equal(iifDate("2026-11-03"), "11/03/2026");
  assert.equal(iifAmount(123456), "1234.56");
  assert.equal(iifAmount(-5), "-0.05");
  assert.equal(iifAmount(100), "1.00");
});

Deno.test("IIF fields that a spreadsheet would run as a formula are kept as text", () => {
  assert.equal(
    clean('=HYPERLINK("http://evil.example","x")'),
    "'=HYPERLINK( http://evil.example , x )",
  );
  assert.equal(clean("+1+cmd|' /C calc'!A0"), "'+1+cmd|' /C calc'!A0");
  assert.equal(clean("@SUM(A1)"), "'@SUM(A1)");
  assert.equal(clean("\t=1+1"), "'=1+1");
  assert.equal(clean("-2+3"), "'-2+3");
  assert.equal(clean("-12.50"), "-12.50");
  assert.equal(clean("Tab\tGrocers"), "Tab Grocers");
});

Deno.test("accounting export answers an IIF file of sent invoices and their payments", async () => {
  const server = await startTestServer({});
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "enterprise", "active");
    const api = await apiClient(server, t);
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Tab\tGrocers" }, 201);
    const invoice = (date: string, cents: number, state: string) =>
      api.ok("POST", "/api/v1/invoices", {
        customer_id: customer.id,
        invoice_date: date,
        state,
        lines: [{ description: "Trim", cases: 1, price: cents / 100, price_basis: "case" }],
      }, 201);
    const first = await invoice("2026-11-03", 1_234_50, "sent");
    await invoice("2026-11-04", 99_00, "draft");
    await api.ok("POST", "/api/v1/payments", {
      direction: "receivable",
      amount_cents: 1_000_00,
      paid_on: "2026-11-10",
      invoice_id: first.id,
      reference: "CHK 77",
    }, 201);
    await installForTest(server.services, t.tenantId, "accounting-export", {
      income_account: "Meat sales",
    });

    const list = await server.fetch(t.host, "/invoices", {
      headers: { cookie: t.jar.header(t.host) },
    });
    const html = await list.text();
    assert.match(html, /action="\/plugins\/accounting-export\/actions\/export-iif"/);
    assert.match(html, /Export to QuickBooks \(IIF\)/);

    const page = await server.fetch(t.host, `/invoices/${first.id}`, {
      headers: { cookie: t.jar.header(t.host) },
    });
    const recordHtml = await page.text();
    assert.match(
      recordHtml,
      /name="id" value="[^"]+"/,
      "the record page's button names the invoice",
    );
    assert.ok(recordHtml.includes(`value="${first.id}"`));

    const res = await server.fetch(t.host, "/plugins/accounting-export/actions/export-iif", {
      method: "POST",
      headers: {
        cookie: t.jar.header(t.host),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ _csrf: t.csrf }).toString(),
    });
    assert.equal(res.status, 200);
    assert.match(
      res.headers.get("content-disposition")!,
      /attachment; filename="quickbooks-\d{4}-\d{2}-\d{2}\.iif"/,
    );
    const text = await res.text();
    const n = first.number;
    assert.equal(
      text,
      [
        "!TRNS\tTRNSID\tTRNSTYPE\tDATE\tACCNT\tNAME\tAMOUNT\tDOCNUM\tMEMO",
        "!SPL\tSPLID\tTRNSTYPE\tDATE\tACCNT\tNAME\tAMOUNT\tDOCNUM\tMEMO",
        "!ENDTRNS",
        `TRNS\t\tINVOICE\t11/03/2026\tAccounts Receivable\tTab Grocers\t1234.50\t${n}\t`,
        `SPL\t\tINVOICE\t11/03/2026\tMeat sales\tTab Grocers\t-1234.50\t${n}\t`,
        "ENDTRNS",
        `TRNS\t\tPAYMENT\t11/10/2026\tUndeposited Funds\tTab Grocers\t1000.00\tCHK 77\tPayment on ${n}`,
        `SPL\t\tPAYMENT\t11/10/2026\tAccounts Receivable\tTab Grocers\t-1000.00\tCHK 77\tPayment on ${n}`,
        "ENDTRNS",
        "",
      ].join("\r\n"),
    );
  } finally {
    await server.close();
  }
});

Deno.test("without the plugin the invoices list has no export button", async () => {
  const server = await startTestServer({});
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "enterprise", "active");
    const html = await (await server.fetch(t.host, "/invoices", {
      headers: { cookie: t.jar.header(t.host) },
    })).text();
    assert.doesNotMatch(html, /\/plugins\/accounting-export/);
  } finally {
    await server.close();
  }
});
