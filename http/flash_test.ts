import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { addMember, type Session, signIn } from "../tests/helpers/members.ts";

const PHISH = "Your session expired. Sign in again at https://evil.example/login";

async function page(server: TestServer, who: Session, path: string): Promise<string> {
  const res = await server.fetch(who.host, path, { headers: { cookie: who.jar.header(who.host) } });
  assert.equal(res.status, 200, path);
  return await res.text();
}

async function postForm(
  server: TestServer,
  who: Session,
  path: string,
  fields: Record<string, string>,
): Promise<string> {
  const res = await server.fetch(who.host, path, {
    method: "POST",
    headers: {
      cookie: who.jar.header(who.host),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
  });
  assert.equal(res.status, 303, path);
  await res.body?.cancel();
  return res.headers.get("location")!;
}

Deno.test("a message in a link someone else wrote is not shown on a record or the members page; a form's own redirect still shows its message", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const owner = await apiClient(server, t);
    const supplier = await owner.ok("POST", "/api/v1/suppliers", { name: "Flash Packing" });
    const admin = await addMember(server, t.tenantId, "admin");
    const broker = await addMember(server, t.tenantId, "broker");
    const session = await signIn(server, t.host, admin.email, admin.password);
    const other = await signIn(server, t.host, broker.email, broker.password);
    const record = `/suppliers/${supplier.id}`;

    // An outsider's link: the app must not say the outsider's words as its own.
    const forged = new URLSearchParams({ error: PHISH }).toString();
    assert.doesNotMatch(await page(server, session, `${record}?${forged}`), /evil\.example/);
    const notice = new URLSearchParams({ notice: PHISH }).toString();
    assert.doesNotMatch(
      await page(server, session, `/settings/members?${notice}`),
      /evil\.example/,
    );

    // The member's own refused note comes back with its reason.
    const back = await postForm(server, session, `${record}/notes`, { body: "" });
    const landed = new URL(back, `http://${t.host}`);
    const reason = landed.searchParams.get("error");
    assert.ok(reason, back);
    const shown = await page(server, session, landed.pathname + landed.search);
    assert.ok(shown.includes('class="flash error"'), "the refusal is shown");
    // The same signed link opened by another member shows nothing: it holds for its session only.
    assert.doesNotMatch(await page(server, other, landed.pathname + landed.search), /flash error/);
    // Nor does a signature of one message carry another.
    landed.searchParams.set("error", PHISH);
    assert.doesNotMatch(await page(server, session, landed.pathname + landed.search), /evil/);

    // A role change lands on the members page with its notice.
    const changed = await postForm(server, session, `/settings/members/${broker.userId}/role`, {
      role: "viewer",
    });
    const members = new URL(changed, `http://${t.host}`);
    const said = members.searchParams.get("notice");
    assert.ok(said, changed);
    const html = await page(server, session, members.pathname + members.search);
    assert.ok(html.includes('class="flash success"'), "the notice is shown");
  } finally {
    await server.close();
  }
});
