/**
 * Answers stream to the client as server-sent events: `delta` while the answer is written,
 * `done` with the whole reply and its citations. Offline, and with the OpenAI provider against a
 * loopback double that streams tool calls and then the answer in pieces.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";

interface Event {
  event: string;
  data: Record<string, unknown>;
}

function parseSse(text: string): Event[] {
  return text.split("\n\n").filter((b) => b.trim()).map((block) => {
    const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
    const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6))
      .join("\n");
    return { event, data: JSON.parse(data) };
  });
}

async function askStreaming(
  server: Awaited<ReturnType<typeof startTestServer>>,
  host: string,
  token: string,
  message: string,
): Promise<Event[]> {
  const res = await server.fetch(host, "/api/v1/assistant/messages", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
    json: { message },
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /text\/event-stream/);
  return parseSse(await res.text());
}

Deno.test("offline answers stream as delta then done, and the conversation is kept", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    await api.ok("POST", "/api/v1/carriers", {
      name: "Arctic Haulers",
      insurance_expires: "2020-02-02",
    }, 201);
    const events = await askStreaming(server, tenant.host, api.token, "whose insurance expires?");
    assert.deepEqual(events.map((e) => e.event), ["delta", "done"]);
    assert.match(String(events[0]!.data.text), /Arctic Haulers: Feb 2, 2020/);
    const done = events[1]!.data as {
      reply: string;
      conversation_id: string;
      citations: unknown[];
    };
    assert.equal(done.reply, events[0]!.data.text);
    assert.equal(done.citations.length, 1);
    const history = await api.ok("GET", `/api/v1/assistant/conversations/${done.conversation_id}`);
    assert.equal(history.data.length, 2);
  } finally {
    await server.close();
  }
});

const sse = (chunks: unknown[]) =>
  new Response(chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") + "data: [DONE]\n\n", {
    headers: { "content-type": "text/event-stream" },
  });

const chunk = (delta: Record<string, unknown>, usage?: unknown) => ({
  id: "chatcmpl-s",
  object: "chat.completion.chunk",
  created: 1,
  model: "gpt-test",
  choices: [{ index: 0, delta, finish_reason: null }],
  ...(usage ? { usage } : {}),
});

Deno.test("the OpenAI provider streams: tool calls put together from pieces, then the answer as it comes", async () => {
  const requests: Array<Record<string, unknown>> = [];
  const double = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const body = await req.json();
    requests.push(body);
    if (requests.length === 1) {
      return sse([
        chunk({
          role: "assistant",
          tool_calls: [{
            index: 0,
            id: "call_9",
            type: "function",
            function: { name: "expiring_", arguments: "" },
          }],
        }),
        chunk({ tool_calls: [{ index: 0, function: { name: "insurance", arguments: "{" } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: "}" } }] }),
        {
          ...chunk({}),
          choices: [],
          usage: { prompt_tokens: 50, completion_tokens: 5, total_tokens: 55 },
        },
      ]);
    }
    return sse([
      chunk({ role: "assistant", content: "Arctic Haulers' " }),
      chunk({ content: "insurance lapsed " }),
      chunk({ content: "on 2020-02-02." }),
      {
        ...chunk({}),
        choices: [],
        usage: { prompt_tokens: 80, completion_tokens: 10, total_tokens: 90 },
      },
    ]);
  });
  const server = await startTestServer({
    AI_PROVIDER: "openai",
    OPENAI_API_KEY: "sk-test",
    OPENAI_BASE_URL: `http://127.0.0.1:${double.addr.port}/v1`,
    OPENAI_MAX_RETRIES: "0",
  });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const carrier = await api.ok("POST", "/api/v1/carriers", {
      name: "Arctic Haulers",
      insurance_expires: "2020-02-02",
    }, 201);
    const events = await askStreaming(
      server,
      tenant.host,
      api.token,
      "Is any carrier's insurance lapsed?",
    );
    assert.equal(requests[0]!.stream, true);
    assert.deepEqual(
      events.filter((e) => e.event === "delta").map((e) => e.data.text),
      ["Arctic Haulers' ", "insurance lapsed ", "on 2020-02-02."],
    );
    const done = events.at(-1)!;
    assert.equal(done.event, "done");
    assert.equal(done.data.reply, "Arctic Haulers' insurance lapsed on 2020-02-02.");
    assert.equal(done.data.provider, "openai");
    assert.equal(done.data.tokens, 145);
    assert.deepEqual((done.data.citations as Array<{ id: string }>).map((c) => c.id), [carrier.id]);
    // The tool's result went back to the model as the second request's last message.
    const messages = requests[1]!.messages as Array<{ role: string; content: string }>;
    assert.equal(messages.at(-1)!.role, "tool");
    assert.match(messages.at(-1)!.content, /Arctic Haulers: Feb 2, 2020/);
  } finally {
    await server.close();
    await double.shutdown();
  }
});
