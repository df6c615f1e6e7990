import assert from "node:assert/strict";
import { postToChannel } from "./alert_channels.ts";

Deno.test("an alert channel's endpoint that redirects is refused, and the redirect is not followed", async () => {
  const inside: string[] = [];
  const target = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
    inside.push(new URL(req.url).pathname);
    return new Response("ok");
  });
  const hook = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    await req.body?.cancel();
    // Stands for the metadata service or another machine of the private network.
    return Response.redirect(`http://127.0.0.1:${target.addr.port}/latest/meta-data/`, 307);
  });
  try {
    await assert.rejects(
      postToChannel(`http://127.0.0.1:${hook.addr.port}/hooks`, '{"text":"x"}'),
      /answered 307/,
    );
    assert.deepEqual(inside, [], "nothing reached the redirect's target");
    // A plain 200 still delivers.
    await postToChannel(`http://127.0.0.1:${target.addr.port}/ok`, "{}");
    assert.deepEqual(inside, ["/ok"]);
  } finally {
    await hook.shutdown();
    await target.shutdown();
  }
});
