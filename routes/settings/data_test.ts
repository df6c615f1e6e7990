import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { addMember, type Session, signIn } from "../../tests/helpers/members.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { seedOneOfEach } from "../../tests/helpers/records.ts";
import { drainJobs } from "../../tests/helpers/billing.ts";

function post(server: TestServer, s: Session, path: string, body: Record<string, string> = {}) {
  return server.fetch(s.host, path, {
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

Deno.test("Settings → Your data: an owner exports and downloads, deletes with the password and cancels; other roles see no tab and get 403", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server, "datapage");
    await seedOneOfEach(await apiClient(server, t), "Page");
    const owner = await signIn(server, t.host, t.email, t.password);
    const m = await addMember(server, t.tenantId, "admin");
    const admin = await signIn(server, t.host, m.email, m.password);

    const adminView = await page(server, admin, "/settings/profile");
    assert.doesNotMatch(adminView.html, /href="\/settings\/data"/);
    assert.equal((await page(server, admin, "/settings/data")).status, 403);
    assert.equal((await post(server, admin, "/settings/data/exports")).status, 403);

    const first = await page(server, owner, "/settings/data");
    assert.equal(first.status, 200);
    assert.match(first.html, /href="\/settings\/data" aria-current="page"/);
    assert.doesNotMatch(first.html, /Restore from an export/); // it has records
    const started = await post(server, owner, "/settings/data/exports");
    assert.equal(started.status, 200);
    const startedHtml = await started.text();
    assert.match(startedHtml, /The export has started/);
    // While it is made, the page follows its progress (an island asking the API).
    assert.match(startedHtml, /data-island="ExportProgress"/);
    await drainJobs(server.services);
    const ready = await page(server, owner, "/settings/data");
    const id = /data-export="([0-9a-z]{26})"/.exec(ready.html)?.[1];
    assert.ok(id && /Ready, [\d.]+ MB/.test(ready.html));
    const link = await post(server, owner, `/settings/data/exports/${id}/link`);
    assert.equal(link.status, 303);
    const location = link.headers.get("location")!;
    assert.match(location, new RegExp(`^/settings/data/exports/${id}/download\\?token=`));
    const zip = await server.fetch(t.host, location, {
      headers: { cookie: owner.jar.header(t.host) },
    });
    assert.equal(zip.status, 200);
    assert.equal(zip.headers.get("content-type"), "application/zip");
    assert.deepEqual([...new Uint8Array(await zip.arrayBuffer()).subarray(0, 2)], [0x50, 0x4b]);
    // An admin holding the link still cannot download.
    assert.equal((await page(server, admin, location)).status, 403);

    const wrong = await post(server, owner, "/settings/data/deletion", { password: "wrong one!" });
    assert.equal(wrong.status, 422);
    assert.match(await wrong.text(), /The password is not right/);
    assert.doesNotMatch((await page(server, owner, "/settings/profile")).html, /deletion-banner/);
    const deleted = await post(server, owner, "/settings/data/deletion", { password: t.password });
    assert.equal(deleted.status, 200);
    const html = await deleted.text();
    assert.match(html, /id="deletion-banner"/);
    assert.match(html, /will be deleted for good after/);
    assert.match((await page(server, admin, "/settings/profile")).html, /id="deletion-banner"/);

    const cancelled = await post(server, owner, "/settings/data/deletion/cancel");
    assert.equal(cancelled.status, 200);
    assert.match(await cancelled.text(), /The deletion is cancelled/);
    assert.doesNotMatch((await page(server, admin, "/settings/profile")).html, /deletion-banner/);
  } finally {
    await server.close();
  }
});

Deno.test("a new workspace's owner restores an export from the page, after which the offer is gone", async () => {
  const server = await startTestServer();
  try {
    const source = await signUpTenant(server, "pagesource");
    await seedOneOfEach(await apiClient(server, source), "Restored");
    const sourceOwner = await signIn(server, source.host, source.email, source.password);
    await post(server, sourceOwner, "/settings/data/exports");
    await drainJobs(server.services);
    const id = /data-export="([0-9a-z]{26})"/.exec(
      (await page(server, sourceOwner, "/settings/data")).html,
    )![1];
    const link = await post(server, sourceOwner, `/settings/data/exports/${id}/link`);
    const archive = new Uint8Array(
      await (await server.fetch(source.host, link.headers.get("location")!, {
        headers: { cookie: sourceOwner.jar.header(source.host) },
      })).arrayBuffer(),
    );

    const fresh = await signUpTenant(server, "pagecopy");
    const owner = await signIn(server, fresh.host, fresh.email, fresh.password);
    assert.match((await page(server, owner, "/settings/data")).html, /Restore from an export/);
    const form = new FormData();
    form.append("_csrf", owner.csrf);
    form.append("archive", new File([archive], "export.zip", { type: "application/zip" }));
    const req = new Request("http://x/", { method: "POST", body: form });
    const restored = await server.fetch(fresh.host, "/settings/data/restore", {
      method: "POST",
      headers: {
        cookie: owner.jar.header(fresh.host),
        "content-type": req.headers.get("content-type")!,
      },
      body: new Uint8Array(await req.arrayBuffer()),
    });
    const html = await restored.text();
    assert.equal(restored.status, 200, html.slice(0, 500));
    assert.match(html, /Restored \d+ rows in \d+ tables/);
    assert.match(html, new RegExp(`Invite the archive's members again: ${source.email}`));
    assert.doesNotMatch(html, /Restore from an export/);
    const customers = await (await apiClient(server, fresh)).ok("GET", "/api/v1/customers");
    assert.deepEqual(customers.data.map((c: { name: string }) => c.name), ["Restored Grocers"]);
  } finally {
    await server.close();
  }
});
