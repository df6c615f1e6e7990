import assert from "node:assert/strict";
import { request } from "node:http";
import type { Buffer } from "node:buffer";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { addMember, signIn } from "../tests/helpers/members.ts";

interface Sse {
  status: Promise<number>;
  events: Array<{ event: string; id: string; data: string }>;
  close(): void;
}

/** Opens GET /api/v1/events as a stream over loopback and parses the events as they come. */
function openStream(server: TestServer, host: string, headers: Record<string, string>): Sse {
  const events: Sse["events"] = [];
  let buffer = "";
  let resolveStatus: (n: number) => void = () => {};
  const status = new Promise<number>((r) => (resolveStatus = r));
  const req = request({
    hostname: "127.0.0.1",
    port: server.port,
    path: "/api/v1/events",
    headers: { host: `${host}:${server.port}`, accept: "text/event-stream", ...headers },
  }, (res) => {
    resolveStatus(res.statusCode ?? 0);
    res.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) =>
          block.split("\n").find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1).trim() ??
            "";
        if (field("event")) {
          events.push({ event: field("event"), id: field("id"), data: field("data") });
        }
      }
    });
    res.on("error", () => {});
  });
  req.on("error", () => {});
  req.end();
  return { status, events, close: () => req.destroy() };
}

async function until(check: () => boolean, ms = 4000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

const changes = (s: Sse) =>
  s.events.filter((e) => e.event === "change").flatMap((e) => JSON.parse(e.data).events);

Deno.test("GET /api/v1/events streams a tenant's changes to each of its clients and none to another tenant", async () => {
  const server = await startTestServer();
  const streams: Sse[] = [];
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    const apiA = await apiClient(server, a);
    const apiB = await apiClient(server, b);
    const colleague = await addMember(server, a.tenantId, "broker");
    const session = await signIn(server, a.host, colleague.email, colleague.password);

    const owner = openStream(server, a.host, { authorization: `Bearer ${apiA.token}` });
    const browser = openStream(server, a.host, { cookie: session.jar.header(a.host) });
    const other = openStream(server, b.host, { authorization: `Bearer ${apiB.token}` });
    streams.push(owner, browser, other);
    assert.deepEqual(await Promise.all(streams.map((s) => s.status)), [200, 200, 200]);
    await until(() => streams.every((s) => s.events.some((e) => e.event === "ready")));

    const customer = await apiA.ok("POST", "/api/v1/customers", { name: "Stream Grocers" }, 201);
    await until(() => changes(owner).length > 0 && changes(browser).length > 0);
    for (const s of [owner, browser]) {
      assert.deepEqual(changes(s), [{
        kind: "record",
        collection: "customers",
        id: customer.id,
        action: "create",
        user_id: a.userId,
        at: changes(s)[0].at,
      }]);
      assert.ok(s.events.find((e) => e.event === "change")?.id, "each change carries the cursor");
    }
    await apiB.ok("POST", "/api/v1/customers", { name: "B Grocers" }, 201);
    await until(() => changes(other).length > 0);
    await new Promise((r) => setTimeout(r, 1200)); // past a poll of every feed
    assert.deepEqual(changes(owner).map((e) => e.id), [customer.id], "nothing of tenant B");
    assert.deepEqual(changes(browser).map((e) => e.id), [customer.id]);
    assert.equal(changes(other).length, 1);
    assert.notEqual(changes(other)[0].id, customer.id, "B hears only its own record");
  } finally {
    streams.forEach((s) => s.close());
    await new Promise((r) => setTimeout(r, 50));
    await server.close();
  }
});

Deno.test("GET /api/v1/events without a stream polls: a cursor, then the changes after it; a bad cursor is 400", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    const apiA = await apiClient(server, a);
    const apiB = await apiClient(server, b);
    const first = await apiA.ok("GET", "/api/v1/events");
    assert.deepEqual(first.events, []);
    await new Promise((r) => setTimeout(r, 5)); // a later millisecond than the cursor
    const load = await apiA.ok("POST", "/api/v1/customers", { name: "Polled Grocers" }, 201);
    await apiB.ok("POST", "/api/v1/customers", { name: "Not yours" }, 201);
    const next = await apiA.ok("GET", `/api/v1/events?after=${encodeURIComponent(first.cursor)}`);
    assert.deepEqual(next.events.map((e: { id: string }) => e.id), [load.id]);
    const again = await apiA.ok("GET", `/api/v1/events?after=${encodeURIComponent(next.cursor)}`);
    assert.deepEqual(again.events, [], "nothing twice");
    assert.equal((await apiA.call("GET", "/api/v1/events?after=nonsense")).status, 400);
    const anonymous = await server.fetch(a.host, "/api/v1/events");
    assert.equal(anonymous.status, 401);
  } finally {
    await server.close();
  }
});
