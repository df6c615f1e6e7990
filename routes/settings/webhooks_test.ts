import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { addMember, type Session, signIn } from "../../tests/helpers/members.ts";
import { Worker } from "../../workers/runner.ts";
import { webhookWorkerOptions } from "../../integrations/webhooks/worker.ts";

function post(server: TestServer, s: Session, path: string, fields: Record<string, string> = {}) {
  return server.fetch(s.host, path, {
    method: "POST",
    headers: {
      cookie: s.jar.header(s.host),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ _csrf: s.csrf, ...fields }).toString(),
  });
}

function get(server: TestServer, s: Session, path: string) {
  return server.fetch(s.host, path, { headers: { cookie: s.jar.header(s.host) } });
}

Deno.test("Settings → Webhooks: add an endpoint, send a test event, read its delivery log, replay it", async () => {
  const got: string[] = [];
  const receiver = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    got.push(req.headers.get("webhook-id") ?? "");
    await req.body?.cancel();
    return new Response("thanks", { status: 200 });
  });
  const server = await startTestServer({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true" });
  const worker = new Worker(server.services, {
    ...webhookWorkerOptions(server.services),
    idleMs: 20,
  });
  worker.start();
  try {
    const t = await signUpTenant(server);
    const owner = await signIn(server, t.host, t.email, t.password);
    const url = `http://127.0.0.1:${receiver.addr.port}/in`;

    // A bad event name is refused in place and nothing is added.
    const refused = await post(server, owner, "/settings/webhooks", { url, events: "po.made" });
    assert.equal(refused.status, 422);
    assert.match(await refused.text(), /Unknown event po\.made/);

    const added = await post(server, owner, "/settings/webhooks", {
      url,
      description: "ERP",
      events: "supplier.created, invoice.created",
    });
    assert.equal(added.status, 200);
    const page = await added.text();
    assert.match(page, /Signing secret: <code class="token">whsec_/);
    const id = /data-endpoint="([^"]+)"/.exec(page)![1]!;
    assert.equal([...page.matchAll(/data-endpoint=/g)].length, 1);

    const tested = await post(server, owner, `/settings/webhooks/${id}/test`);
    assert.match(await tested.text(), /Test event queued/);
    const deadline = Date.now() + 10_000;
    let log = "";
    while (Date.now() < deadline) {
      log = await (await get(server, owner, `/settings/webhooks/${id}`)).text();
      if (/<td>delivered<\/td>/.test(log)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(log, /<td>webhook\.test<\/td><td>delivered<\/td><td>1<\/td><td>200<\/td>/);
    assert.equal(got.length, 1);
    const deliveryId = /data-delivery="([^"]+)"/.exec(log)![1]!;
    const detail =
      await (await get(server, owner, `/settings/webhooks/${id}?delivery=${deliveryId}`))
        .text();
    assert.match(detail, /<code>thanks<\/code>/);

    await post(server, owner, `/settings/webhooks/${id}/deliveries/${deliveryId}/replay`);
    while (got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(got, [got[0], got[0]], "the replay carries the same webhook-id");

    // A broker may not see or change webhooks.
    const brokerUser = await addMember(server, t.tenantId, "broker");
    const broker = await signIn(server, t.host, brokerUser.email, brokerUser.password);
    assert.equal((await get(server, broker, "/settings/webhooks")).status, 403);
    assert.equal((await post(server, broker, `/settings/webhooks/${id}/delete`)).status, 403);
    // Another workspace's owner gets nothing of it.
    const other = await signUpTenant(server);
    const stranger = await signIn(server, other.host, other.email, other.password);
    assert.equal((await get(server, stranger, `/settings/webhooks/${id}`)).status, 404);

    const deleted = await post(server, owner, `/settings/webhooks/${id}/delete`);
    assert.match(await deleted.text(), /deleted with its delivery log/);
    assert.doesNotMatch(
      await (await get(server, owner, "/settings/webhooks")).text(),
      /data-endpoint/,
    );
  } finally {
    await worker.stop();
    await server.close();
    await receiver.shutdown();
  }
});
