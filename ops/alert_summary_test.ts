import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { parseConfig } from "../config.ts";
import { alertSummarizer } from "./alert_summary.ts";
import { evaluateAlerts } from "./alerts.ts";
import { addChannel, deliverNotifications } from "./alert_channels.ts";
import { BUCKET_MS } from "./alert_signals.ts";

// deno-lint-ignore no-explicit-any
type Body = any;

/** A loopback stand-in for OpenAI's chat completions; `status` other than 200 fails it. */
function openAiDouble(text: string, status = 200) {
  const requests: Body[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    requests.push({ path: new URL(req.url).pathname, body: await req.json() });
    const body = status === 200
      ? {
        id: "chatcmpl-test",
        object: "chat.completion",
        created: 1,
        model: "gpt-test",
        choices: [{
          index: 0,
          message: { role: "assistant", refusal: null, content: text },
          finish_reason: "stop",
        }],
        usage: { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 },
      }
      : { error: { message: "down", type: "server_error" } };
    return new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json" },
    });
  });
  return {
    requests,
    url: `http://127.0.0.1:${server.addr.port}/v1`,
    close: () => server.shutdown(),
  };
}

const event = {
  status: "firing",
  severity: "critical",
  rule: "Workspace error rate above 20%",
  tenant: "noisyco",
  signal: "error_rate",
  value: 0.4,
  expected: 0.2,
  summary: "noisyco: error rate 40.0% over 5 minutes",
};

Deno.test("alertSummarizer() writes nothing without OPENAI_API_KEY", async () => {
  const summarize = alertSummarizer(parseConfig({}));
  assert.equal(await summarize([event]), null);
});

Deno.test("alertSummarizer() asks the model with the alerts' own fields only, and gives up quietly on a failure", async () => {
  const ok = openAiDouble("noisyco's errors jumped from 2% to 40%; check its jobs page.");
  const down = openAiDouble("", 500);
  try {
    const config = (url: string) =>
      parseConfig({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: url, OPENAI_MAX_RETRIES: "0" });
    assert.equal(
      await alertSummarizer(config(ok.url))([event]),
      "noisyco's errors jumped from 2% to 40%; check its jobs page.",
    );
    assert.equal(ok.requests.length, 1);
    assert.equal(ok.requests[0].path, "/v1/chat/completions");
    const facts = JSON.parse(ok.requests[0].body.messages[1].content);
    assert.deepEqual(Object.keys(facts[0]).sort(), [
      "rule",
      "severity",
      "signal",
      "status",
      "summary",
      "usual",
      "value",
      "workspace",
    ]);
    assert.equal(await alertSummarizer(config(down.url))([event]), null);
  } finally {
    await ok.close();
    await down.close();
  }
});

Deno.test("with OPENAI_API_KEY, a webhook notification carries the summary once per delivery", async () => {
  const model = openAiDouble("One workspace, noisyco, fails 40% of its requests.");
  const got: string[] = [];
  const hook = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    got.push(await req.text());
    return new Response("ok");
  });
  const server = await startTestServer({
    OPENAI_API_KEY: "sk-test",
    OPENAI_BASE_URL: model.url,
    OPENAI_MAX_RETRIES: "0",
  });
  try {
    const { control } = server.services;
    await signUpTenant(server, "noisyco");
    const now = new Date();
    for (const name of ["one", "two"]) {
      await addChannel(control, {
        name,
        kind: "webhook",
        target: `http://127.0.0.1:${hook.addr.port}/${name}`,
        secret: null,
        minSeverity: "info",
      }, now);
    }
    const end = new Date(Math.floor(now.getTime() / BUCKET_MS) * BUCKET_MS - BUCKET_MS);
    server.services.metrics.tally.take();
    for (let i = 0; i < 100; i++) {
      server.services.metrics.tally.add("noisyco", i < 40 ? 500 : 200, 0.01);
    }
    await server.services.metrics.tally.flush(control, new Date(end.getTime() - 60_000));
    await evaluateAlerts(control, new Date(end.getTime() + 80_000));
    await deliverNotifications(server.services);
    assert.equal(got.length, 2);
    for (const body of got) {
      assert.equal(
        JSON.parse(body).summary_text,
        "One workspace, noisyco, fails 40% of its requests.",
      );
    }
    assert.equal(model.requests.length, 1, "one summary for both channels");
  } finally {
    await server.close();
    await hook.shutdown();
    await model.close();
  }
});
