import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { addMember, call, mailTo, signIn } from "../tests/helpers/members.ts";

function form(fields: Record<string, string>): { body: string; type: string } {
  return {
    body: new URLSearchParams(fields).toString(),
    type: "application/x-www-form-urlencoded",
  };
}

Deno.test("the Activity card: a note that mentions a colleague tells them (bell and e-mail), a call's follow-up shows on the dashboard until done", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const other = await signUpTenant(server);
    const api = await apiClient(server, t);
    const colleague = await addMember(server, t.tenantId, "broker", `cole-${Date.now()}@x.test`);
    const session = await signIn(server, t.host, colleague.email, colleague.password);
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Mention Grocers" }, 201);
    const post = (path: string, fields: Record<string, string>) => {
      const f = form({ _csrf: t.csrf, ...fields });
      return server.fetch(t.host, path, {
        method: "POST",
        headers: { cookie: t.jar.header(t.host), "content-type": f.type },
        body: f.body,
      });
    };

    const noted = await post(`/customers/${customer.id}/notes`, {
      body: "@broker person please call Ann about the short pallet",
    });
    assert.equal(noted.status, 303);
    assert.equal(noted.headers.get("location"), `/customers/${customer.id}#activity`);
    const page = await server.fetch(t.host, `/customers/${customer.id}`, {
      headers: { cookie: t.jar.header(t.host) },
    });
    const html = await page.text();
    assert.match(html, /<h2 id="activity-title">Activity<\/h2>/);
    assert.match(html, /please call Ann about the short pallet/);
    assert.match(html, /<h2>History<\/h2>/, "the history card stays");

    const bell = await (await call(server, session, "GET", "/api/v1/notifications")).json();
    assert.equal(bell.unread, 1);
    assert.match(bell.data[0].title, /Olive Owner mentioned you on customer Mention Grocers/);
    assert.equal(bell.data[0].link, `/customers/${customer.id}#activity`);
    assert.equal((await mailTo(server, colleague.email)).length, 1, "mentions e-mail by default");
    const mine = await api.ok("GET", "/api/v1/notifications");
    assert.equal(mine.unread, 0, "the writer is not told");

    assert.equal(
      (await post(`/customers/${customer.id}/calls`, {
        party: "Ann, AP",
        outcome: "left_message",
        body: "Left word about the pallet",
        follow_up_on: "2020-01-06",
      })).status,
      303,
    );
    const dashboard = await (await server.fetch(t.host, "/", {
      headers: { cookie: t.jar.header(t.host) },
    })).text();
    assert.match(dashboard, /Follow-ups due today/);
    assert.match(dashboard, /Mention Grocers<\/a>: call Ann, AP/);
    const due = await api.ok("GET", "/api/v1/follow-ups");
    assert.equal(due.data.length, 1);
    const otherApi = await apiClient(server, other);
    assert.deepEqual(
      (await otherApi.ok("GET", "/api/v1/follow-ups")).data,
      [],
      "not another tenant's",
    );
    assert.equal(
      (await otherApi.call("POST", `/api/v1/follow-ups/${due.data[0].id}/done`)).status,
      404,
      "another tenant cannot close it",
    );
    await api.ok("POST", `/api/v1/follow-ups/${due.data[0].id}/done`);
    assert.deepEqual((await api.ok("GET", "/api/v1/follow-ups")).data, []);

    const timeline = await api.ok("GET", `/api/v1/customers/${customer.id}/activity`);
    assert.deepEqual(timeline.data.map((i: { type: string }) => i.type).sort(), [
      "activity",
      "activity",
      "change",
    ]);
    assert.equal(
      (await otherApi.call("GET", `/api/v1/customers/${customer.id}/activity`)).status,
      404,
    );
    const refused = await api.call("POST", `/api/v1/customers/${customer.id}/calls`, {
      party: "x",
      outcome: "maybe",
    });
    assert.equal(refused.status, 422);
  } finally {
    await server.close();
  }
});

Deno.test("notification preferences: the page saves what is ticked, the API reads it back, and marking read clears the bell", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const f = form({ _csrf: t.csrf, "load_delivered.email": "on", "mention.in_app": "on" });
    const saved = await server.fetch(t.host, "/notifications/preferences", {
      method: "POST",
      headers: { cookie: t.jar.header(t.host), "content-type": f.type },
      body: f.body,
    });
    assert.equal(saved.status, 303);
    const prefs = await api.ok("GET", "/api/v1/notifications/preferences");
    assert.deepEqual(prefs.load_delivered, { in_app: false, email: true, digest: false });
    assert.deepEqual(prefs.mention, { in_app: true, email: false, digest: false });
    assert.deepEqual(prefs.document_failed, { in_app: false, email: false, digest: false });
    const bad = await api.call("PUT", "/api/v1/notifications/preferences", { mention: {} });
    assert.equal(bad.status, 422);
    assert.deepEqual(
      (await api.ok("GET", "/api/v1/notifications/preferences")).mention,
      prefs.mention,
    );
    const read = await api.ok("POST", "/api/v1/notifications/read", { all: true });
    assert.deepEqual(read, { marked: 0, unread: 0 });
  } finally {
    await server.close();
  }
});
