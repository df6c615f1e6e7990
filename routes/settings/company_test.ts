import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { addMember, type Session, signIn } from "../../tests/helpers/members.ts";
import { getCompanyDetails } from "../../domain/company.ts";

const COMPANY_TAB = /<a href="\/settings\/company"/;

const DETAILS = {
  company_name: "Prairie Protein Brokers",
  company_address: "400 Stockyards Blvd\nSuite 12",
  company_city: "Omaha",
  company_state: "NE",
  company_postal_code: "68107",
  company_country: "USA",
  company_phone: "402-555-0100",
  company_email: "Billing@Prairie.example",
  remittance_instructions: "Wire to First Plains Bank, ABA 104000016, account 556677",
  invoice_footer: "Thank you for your business.",
};

function post(server: TestServer, s: Session, body: Record<string, string>) {
  return server.fetch(s.host, "/settings/company", {
    method: "POST",
    headers: {
      cookie: s.jar.header(s.host),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ _csrf: s.csrf, ...body }).toString(),
  });
}

async function page(server: TestServer, s: Session, path: string) {
  const res = await server.fetch(s.host, path, { headers: { cookie: s.jar.header(s.host) } });
  return { status: res.status, html: await res.text(), location: res.headers.get("location") };
}

async function controlName(server: TestServer, tenantId: string): Promise<string> {
  const rs = await server.services.control.execute({
    sql: "SELECT name FROM tenants WHERE id = ?",
    args: [tenantId],
  });
  return String(rs.rows[0]?.name);
}

async function stored(server: TestServer, tenantId: string) {
  const lease = await server.services.pool.acquire(tenantId, null);
  try {
    return await getCompanyDetails(lease.db, "(fallback)");
  } finally {
    lease.release();
  }
}

Deno.test("an admin saves the company details and the top bar shows the new name", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const m = await addMember(server, t.tenantId, "admin");
    const admin = await signIn(server, t.host, m.email, m.password);

    const form = await page(server, admin, "/settings/company");
    assert.equal(form.status, 200);
    assert.match(form.html, COMPANY_TAB);
    assert.match(form.html, new RegExp(`value="${t.slug} Foods"`), "the seeded name is shown");

    const res = await post(server, admin, DETAILS);
    await res.body?.cancel();
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/settings/company?saved=1");

    const after = await page(server, admin, "/settings/company?saved=1");
    assert.match(after.html, /Saved\./);
    assert.match(after.html, /<span class="tenant-name">Prairie Protein Brokers<\/span>/);
    assert.match(after.html, /Wire to First Plains Bank, ABA 104000016/);
    const dashboard = await page(server, admin, "/");
    assert.match(dashboard.html, /<span class="tenant-name">Prairie Protein Brokers<\/span>/);

    assert.equal(await controlName(server, t.tenantId), "Prairie Protein Brokers");
    assert.deepEqual(await stored(server, t.tenantId), {
      ...DETAILS,
      company_email: "billing@prairie.example",
    });
  } finally {
    await server.close();
  }
});

Deno.test("a broker sees no Company tab and is refused the page and the save", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const m = await addMember(server, t.tenantId, "broker");
    const broker = await signIn(server, t.host, m.email, m.password);

    const profile = await page(server, broker, "/settings/profile");
    assert.equal(profile.status, 200);
    assert.doesNotMatch(profile.html, COMPANY_TAB);
    assert.equal((await page(server, broker, "/settings/company")).status, 403);

    const res = await post(server, broker, DETAILS);
    await res.body?.cancel();
    assert.equal(res.status, 403);
    assert.equal(await controlName(server, t.tenantId), `${t.slug} Foods`);
    assert.equal((await stored(server, t.tenantId)).remittance_instructions, "");
  } finally {
    await server.close();
  }
});

Deno.test("a bad e-mail is shown on its field and nothing is saved", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const owner = await signIn(server, t.host, t.email, t.password);
    const res = await post(server, owner, { ...DETAILS, company_email: "billing at prairie" });
    const html = await res.text();
    assert.equal(res.status, 422);
    assert.match(html, /Nothing was saved/);
    assert.match(html, /id="company-company_email"[^>]*aria-invalid="true"/);
    assert.match(html, /<p class="error" id="company-company_email-error">Enter a valid e-mail/);
    assert.match(html, /value="Prairie Protein Brokers"/, "the typed values stay in the form");
    assert.doesNotMatch(html, /id="company-company_name"[^>]*aria-invalid/);

    assert.equal(await controlName(server, t.tenantId), `${t.slug} Foods`);
    const kept = await stored(server, t.tenantId);
    assert.equal(kept.company_name, `${t.slug} Foods`);
    assert.equal(kept.remittance_instructions, "");
  } finally {
    await server.close();
  }
});

Deno.test("a visitor who is not signed in is sent to sign in", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const res = await server.fetch(t.host, "/settings/company");
    await res.body?.cancel();
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/login?next=%2Fsettings%2Fcompany");
  } finally {
    await server.close();
  }
});

Deno.test("an admin sets the time zone; a bad one or a broker changes nothing", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const admin = await signIn(server, t.host, ...(await credentials(server, t.tenantId, "admin")));
    const broker = await signIn(
      server,
      t.host,
      ...(await credentials(server, t.tenantId, "broker")),
    );
    const zone = async () => (await server.services.registry.findById(t.tenantId))?.timeZone;
    const postZone = (s: Session, time_zone: string) =>
      server.fetch(s.host, "/settings/company/time-zone", {
        method: "POST",
        headers: {
          cookie: s.jar.header(s.host),
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ _csrf: s.csrf, time_zone }).toString(),
      });
    assert.equal(await zone(), "America/Chicago", "the signup default");
    assert.match((await page(server, admin, "/settings/company")).html, /Time zone/);

    const bad = await postZone(admin, "Mars/Olympus");
    assert.equal(bad.status, 422);
    assert.match(await bad.text(), /Choose a time zone from the list/);
    assert.equal(await zone(), "America/Chicago");

    const refused = await postZone(broker, "UTC");
    assert.equal(refused.status, 403);
    await refused.body?.cancel();
    assert.equal(await zone(), "America/Chicago");

    const saved = await postZone(admin, "America/Los_Angeles");
    assert.equal(saved.status, 303);
    await saved.body?.cancel();
    assert.equal(await zone(), "America/Los_Angeles");
    const shown = await page(server, admin, "/settings/company?saved=time-zone");
    assert.match(shown.html, /<option value="America\/Los_Angeles" selected/);
    assert.match(shown.html, /Today is now counted in this time zone/);
  } finally {
    await server.close();
  }
});

async function credentials(server: TestServer, tenantId: string, role: "admin" | "broker") {
  const m = await addMember(server, tenantId, role);
  return [m.email, m.password] as const;
}
