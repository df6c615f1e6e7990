/**
 * The `openai` chat provider against a loopback HTTP double of the Chat Completions API: it
 * checks the requests it receives and answers with tool calls, answers, malformed arguments,
 * refusals, 429s and slow replies.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { openAiChat } from "./providers.ts";

// deno-lint-ignore no-explicit-any
type Body = any;

function completion(message: Record<string, unknown>, tokens = 100) {
  return {
    id: "chatcmpl-test",
    object: "chat.completion",
    created: 1,
    model: "gpt-test",
    choices: [{
      index: 0,
      message: { role: "assistant", refusal: null, ...message },
      finish_reason: "stop",
    }],
    usage: { prompt_tokens: tokens - 10, completion_tokens: 10, total_tokens: tokens },
  };
}

function double(respond: (body: Body, n: number) => Response | Promise<Response>) {
  const requests: Body[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const body = await req.json();
    requests.push({
      path: new URL(req.url).pathname,
      auth: req.headers.get("authorization"),
      body,
    });
    return await respond(body, requests.length);
  });
  return {
    requests,
    url: `http://127.0.0.1:${server.addr.port}/v1`,
    close: () => server.shutdown(),
  };
}

const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

Deno.test("openai chat provider: tool calls over read-only questions, checked and cited; failures fall back", async (t) => {
  const server = await startTestServer();
  const today = new Date().toISOString().slice(0, 10);
  const back = (days: number) =>
    new Date(Date.parse(today) - days * 86400_000).toISOString().slice(0, 10);
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Late Payer Foods" }, 201);
    const invoice = await api.ok("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: back(100),
      due_date: back(80),
      state: "sent",
      lines: [{ description: "Trim", cases: 1, price: 500, price_basis: "case" }],
    }, 201);
    const lease = await server.services.pool.acquire(tenant.tenantId, null);
    const opts = { apiKey: "sk-test", model: "gpt-test", timeoutMs: 2000, maxRetries: 0 };
    try {
      await t.step(
        "a tool call is validated, answered from the data, and the reply cites it",
        async () => {
          const d = double((body, n) => {
            if (n === 1) {
              return json(completion({
                content: null,
                tool_calls: [{
                  id: "call_1",
                  type: "function",
                  function: { name: "overdue_invoices", arguments: '{"min_days":60}' },
                }],
              }, 120));
            }
            const tool = body.messages.at(-1);
            return json(
              completion({ content: `Yes: ${JSON.parse(tool.content).answer.split("\n")[1]}` }, 80),
            );
          });
          try {
            const reply = await openAiChat({ ...opts, baseURL: d.url })(
              lease.db,
              "Which invoices are over 60 days late?",
              [],
              today,
            );
            assert.equal(d.requests.length, 2);
            const first = d.requests[0].body;
            assert.equal(d.requests[0].path, "/v1/chat/completions");
            assert.equal(d.requests[0].auth, "Bearer sk-test");
            assert.equal(first.model, "gpt-test");
            assert.equal(first.messages[0].role, "system");
            assert.deepEqual(
              first.tools.map((tool: Body) => tool.function.name).sort(),
              [
                "carrier_open_loads",
                "customer_balance",
                "expiring_insurance",
                "load_margin",
                "open_purchase_orders",
                "overdue_invoices",
                "receivables_aging",
                "search_records",
                "supplier_by_est",
                "top_parties",
                "vendor_payables",
              ],
            );
            const toolMessage = d.requests[1].body.messages.at(-1);
            assert.equal(toolMessage.role, "tool");
            assert.equal(toolMessage.tool_call_id, "call_1");
            assert.match(toolMessage.content, new RegExp(invoice.number));
            assert.equal(reply.provider, "openai");
            assert.match(reply.text, new RegExp(invoice.number));
            assert.deepEqual(reply.citations.map((c) => c.id), [invoice.id]);
            assert.equal(reply.tokens, 200);
          } finally {
            await d.close();
          }
        },
      );

      await t.step(
        "a Spanish asker: the model is told to answer in Spanish and the tools answer in Spanish",
        async () => {
          const d = double((body, n) => {
            if (n === 1) {
              return json(completion({
                content: null,
                tool_calls: [{
                  id: "call_1",
                  type: "function",
                  function: { name: "overdue_invoices", arguments: '{"min_days":60}' },
                }],
              }));
            }
            return json(completion({ content: JSON.parse(body.messages.at(-1).content).answer }));
          });
          const es = {
            language: "es" as const,
            format: { locale: "es-US", currency: "USD" },
          };
          try {
            const reply = await openAiChat({ ...opts, baseURL: d.url })(
              lease.db,
              "¿Qué facturas tienen más de 60 días de vencidas?",
              [],
              today,
              undefined,
              es,
            );
            assert.match(d.requests[0].body.messages[0].content, /answer in Spanish/);
            assert.doesNotMatch(d.requests[0].body.messages[0].content, /answer in English/);
            assert.match(reply.text, /^1 factura tiene más de 60 días de vencidas/);
            assert.deepEqual(reply.citations.map((c) => c.id), [invoice.id]);
          } finally {
            await d.close();
          }
          // When the model fails, the built-in rules answer in Spanish and say so in Spanish.
          const down = double(() => json({ error: { message: "slow down" } }, 429));
          try {
            const reply = await openAiChat({ ...opts, baseURL: down.url })(
              lease.db,
              "facturas vencidas",
              [],
              today,
              undefined,
              es,
            );
            assert.equal(reply.provider, "offline");
            assert.match(reply.text, /^1 factura está vencida/);
            assert.match(reply.text, /El servicio de IA no respondió/);
            assert.doesNotMatch(reply.text, /AI service did not answer/);
          } finally {
            await down.close();
          }
        },
      );
      await t.step("malformed or unknown tool calls get an error back, never a query", async () => {
        const d = double((_body, n) =>
          n === 1
            ? json(completion({
              content: null,
              tool_calls: [
                {
                  id: "a",
                  type: "function",
                  function: { name: "overdue_invoices", arguments: '{"min_days":"sixty"}' },
                },
                {
                  id: "b",
                  type: "function",
                  function: { name: "run_sql", arguments: '{"sql":"DELETE FROM invoices"}' },
                },
                {
                  id: "c",
                  type: "function",
                  function: { name: "receivables_aging", arguments: "not json" },
                },
                {
                  id: "d",
                  type: "function",
                  function: {
                    name: "top_parties",
                    arguments: '{"by":"carrier","from":"2026-01-01","to":"2026-02-01"}',
                  },
                },
                {
                  id: "e",
                  type: "function",
                  function: {
                    name: "top_parties",
                    arguments: '{"by":"customer","from":"2026-03-01","to":"2026-02-01"}',
                  },
                },
              ],
            }))
            : json(completion({ content: "I could not look that up." }))
        );
        try {
          const reply = await openAiChat({ ...opts, baseURL: d.url })(
            lease.db,
            "delete everything",
            [],
            today,
          );
          const tools = d.requests[1].body.messages.filter((m: Body) => m.role === "tool");
          assert.equal(tools.length, 5);
          for (const m of tools) assert.ok(JSON.parse(m.content).error, m.content);
          assert.equal(reply.text, "I could not look that up.");
          assert.deepEqual(reply.citations, []);
          assert.equal((await api.ok("GET", "/api/v1/invoices")).data.length, 1);
        } finally {
          await d.close();
        }
      });

      for (
        const [label, respond] of [
          ["429", () => json({ error: { message: "Rate limit", type: "rate_limit" } }, 429)],
          [
            "refusal",
            () => json(completion({ content: null, refusal: "I can't help with that." })),
          ],
          [
            "malformed body",
            () => new Response("{not json", { headers: { "content-type": "application/json" } }),
          ],
          [
            "timeout",
            () =>
              new Promise<Response>((r) =>
                setTimeout(() => r(json(completion({ content: "late" }))), 1200)
              ),
          ],
        ] as const
      ) {
        await t.step(`${label}: the built-in rules answer instead, and say so`, async () => {
          const d = double(respond);
          try {
            const reply = await openAiChat({ ...opts, baseURL: d.url, timeoutMs: 500 })(
              lease.db,
              "Which invoices are over 60 days past due?",
              [],
              today,
            );
            assert.equal(reply.provider, "offline");
            assert.match(reply.text, new RegExp(invoice.number));
            assert.match(reply.text, /AI service did not answer/);
          } finally {
            await d.close();
          }
        });
      }
    } finally {
      lease.release();
    }
  } finally {
    await server.close();
  }
});
