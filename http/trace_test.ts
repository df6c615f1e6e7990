import assert from "node:assert/strict";

interface Span {
  name: string;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
}

Deno.test("with OTEL_DENO the request's span is named by its route and carries the tenant", async () => {
  const spans: Span[] = [];
  const receiver = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const body = await req.json();
    if (new URL(req.url).pathname === "/v1/traces") {
      for (const r of body.resourceSpans ?? []) {
        for (const s of r.scopeSpans ?? []) spans.push(...(s.spans ?? []));
      }
    }
    return Response.json({});
  });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../tests/helpers/traced_server.ts", import.meta.url).pathname],
    env: {
      OTEL_DENO: "true",
      OTEL_SERVICE_NAME: "projectmeats-test",
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.addr.port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_DENO_CONSOLE: "ignore",
    },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const first = await lines.read();
    const { slug, status } = JSON.parse(String(first.value).trim().split("\n")[0]!);
    assert.equal(status, 404);
    const attrs = (s: Span) =>
      Object.fromEntries((s.attributes ?? []).map((a) => [a.key, Object.values(a.value)[0]]));
    // Deno exports in batches: wait for the span (bounded, so a broken export fails, not hangs).
    const deadline = Date.now() + 60_000;
    let span: Span | undefined;
    while (!span && Date.now() < deadline) {
      span = spans.find((s) => attrs(s)["url.path"] === "/api/v1/customers/nope");
      if (!span) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(span, `no span for the request among ${spans.map((s) => s.name).join(", ")}`);
    assert.equal(span.name, "GET /api/v1/customers/:id");
    const a = attrs(span);
    assert.equal(a["http.route"], "/api/v1/customers/:id");
    assert.equal(a["projectmeats.tenant"], slug);
    assert.match(String(a["projectmeats.request_id"]), /^[\w-]{8,64}$/);
    assert.equal(String(a["http.response.status_code"]), "404");
    lines.releaseLock();
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await child.stdout.cancel().catch(() => {});
    await receiver.shutdown();
  }
});
