import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { putInState } from "../../tests/helpers/billing.ts";
import { installForTest } from "../../tests/helpers/plugins.ts";
import { addMember, type Session, signIn } from "../../tests/helpers/members.ts";
import { bundleFrom } from "../../plugins/host/bundle.ts";
import type { Role } from "../../auth/roles.ts";

// A private plugin with write:customers whose actions change the selected customer: `hold`
// lets the host's error through, `quiet` catches it and answers its own message.
const NOTE = bundleFrom(
  "private",
  JSON.stringify({
    name: "rt-note",
    title: "RT note",
    version: "1.0.0",
    apiVersion: "^1.0.0",
    permissions: ["write:customers"],
    entryPoints: {
      actions: [
        { id: "hold", label: "Hold", collection: "customers", handler: "hold" },
        { id: "quiet", label: "Quiet", collection: "customers", handler: "quiet" },
        { id: "peek", label: "Peek", collection: "customers", handler: "peek" },
      ],
    },
  }),
  `async function note(id) {
     const c = await host.records.get("customers", id);
     await host.records.update("customers", id, { version: c.version, notes: "x" });
   }
   export async function hold(input) { await note(input.ids[0]); return { message: "held" }; }
   export async function quiet(input) {
     try { await note(input.ids[0]); } catch (e) { return { message: "caught" }; }
     return { message: "held" };
   }
   export async function peek(input) {
     const c = await host.records.get("customers", input.ids[0]);
     return { message: "seen " + c.name };
   }`,
);

function act(server: TestServer, s: Session, action: string, id: string) {
  return server.fetch(s.host, `/plugins/rt-note/actions/${action}`, {
    method: "POST",
    headers: {
      cookie: s.jar.header(s.host),
      "x-csrf-token": s.csrf,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams([["_csrf", s.csrf], ["id", id]]).toString(),
  });
}

Deno.test("a plugin action never writes what the acting member's role may not", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "enterprise", "active");
    await installForTest(server.services, t.tenantId, NOTE);
    const api = await apiClient(server, t);
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Held Grocers" }, 201);
    const as = async (role: Role) => {
      const m = await addMember(server, t.tenantId, role);
      return await signIn(server, t.host, m.email, m.password);
    };

    for (const role of ["viewer", "accounting"] as const) {
      const member = await as(role);
      for (const action of ["hold", "quiet"]) {
        const res = await act(server, member, action, customer.id);
        assert.equal(res.status, 403, `${role} ${action}`);
        assert.doesNotMatch(await res.text(), /caught|held/);
      }
      // Reading is still theirs: an action that only reads works.
      const peek = await act(server, member, "peek", customer.id);
      assert.equal(peek.status, 200);
      assert.match(await peek.text(), /seen Held Grocers/);
    }
    const unchanged = await api.ok("GET", `/api/v1/customers/${customer.id}`);
    assert.equal(unchanged.version, customer.version, "nothing written");
    assert.notEqual(unchanged.notes, "x");

    const broker = await as("broker");
    const ok = await act(server, broker, "hold", customer.id);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /held/);
    const changed = await api.ok("GET", `/api/v1/customers/${customer.id}`);
    assert.equal(changed.notes, "x");
    assert.equal(changed.version, customer.version + 1);
  } finally {
    await server.close();
  }
});
