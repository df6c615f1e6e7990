import assert from "node:assert/strict";
import { safeFetch, type SafeFetchDeps } from "./safe_fetch.ts";
import { pinnedFetch } from "./pinned_fetch.ts";

const CERT = Deno.readTextFileSync(new URL("./testdata/plugin_test_cert.pem", import.meta.url));
const KEY = Deno.readTextFileSync(new URL("./testdata/plugin_test_key.pem", import.meta.url));

/** A resolver that answers a public address to the first question and 127.0.0.1 afterwards. */
function rebindingResolver() {
  const asked: string[] = [];
  return {
    asked,
    resolve: (hostname: string) => {
      asked.push(hostname);
      return Promise.resolve(asked.length === 1 ? ["93.184.216.34"] : ["127.0.0.1"]);
    },
  };
}

/** A loopback HTTPS server with a certificate for `plugin.test`; records what it received. */
function tlsServer(answer: (req: Request) => Response | Promise<Response>) {
  const seen: { method: string; url: string; host: string; header: string; body: string }[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, cert: CERT, key: KEY, onListen() {} },
    async (req) => {
      seen.push({
        method: req.method,
        url: new URL(req.url).pathname + new URL(req.url).search,
        host: req.headers.get("host") ?? "",
        header: req.headers.get("x-plugin") ?? "",
        body: await req.text(),
      });
      return answer(req);
    },
  );
  return { server, seen, port: server.addr.port };
}

Deno.test("safeFetch() connects only to the address it checked, even when DNS answers 127.0.0.1 afterwards", async () => {
  const dns = rebindingResolver();
  const connectedTo: (readonly string[])[] = [];
  const deps: SafeFetchDeps = {
    resolve: dns.resolve,
    // Where the request is sent: a stand-in that records the addresses it was told to use, and
    // resolves the name itself when it was given none (what `fetch` does).
    fetch: async (url, _init, addresses) => {
      connectedTo.push(addresses ?? await dns.resolve(url.hostname));
      return new Response("ok");
    },
    timeoutMs: 1000,
    maxBytes: 1000,
  };
  const answer = await safeFetch("https://api.example.com/rates", {}, ["api.example.com"], deps);
  assert.equal(answer.body, "ok");
  assert.deepEqual(connectedTo, [["93.184.216.34"]]);
  assert.deepEqual(dns.asked, ["api.example.com"], "the name is resolved once, for the check");
});

Deno.test("safeFetch() refuses a name with any inside address and sends nothing", async () => {
  const sent: string[] = [];
  const deps: SafeFetchDeps = {
    resolve: () => Promise.resolve(["93.184.216.34", "169.254.169.254"]),
    fetch: (url) => (sent.push(String(url)), Promise.resolve(new Response("ok"))),
    timeoutMs: 1000,
    maxBytes: 1000,
  };
  await assert.rejects(
    safeFetch("https://api.example.com/", {}, ["api.example.com"], deps),
    /resolves to a private address/,
  );
  assert.deepEqual(sent, []);
});

Deno.test("pinnedFetch() connects to the given address without resolving the name, with TLS for the name", async () => {
  const { server, seen, port } = tlsServer(() =>
    new Response("pinned", { status: 201, headers: { "x-answer": "yes" } })
  );
  try {
    // plugin.test resolves nowhere (a reserved name): only the pinned address can be reached.
    const res = await pinnedFetch(
      new URL(`https://plugin.test:${port}/rates?day=1`),
      { method: "POST", headers: { "x-plugin": "margin" }, body: '{"a":1}' },
      ["127.0.0.1"],
      { ca: [CERT] },
    );
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("x-answer"), "yes");
    assert.equal(await res.text(), "pinned");
    assert.deepEqual(seen, [{
      method: "POST",
      url: "/rates?day=1",
      host: `plugin.test:${port}`,
      header: "margin",
      body: '{"a":1}',
    }]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("pinnedFetch() refuses a certificate that is not for the name, and sends no request", async () => {
  const { server, seen, port } = tlsServer(() => new Response("should not be read"));
  try {
    await assert.rejects(
      pinnedFetch(new URL(`https://other.test:${port}/`), {}, ["127.0.0.1"], { ca: [CERT] }),
      /altnames|certificate/i,
    );
    // Without the test root the certificate is not trusted either.
    await assert.rejects(
      pinnedFetch(new URL(`https://plugin.test:${port}/`), {}, ["127.0.0.1"]),
      /certificate/i,
    );
    assert.deepEqual(seen, []);
  } finally {
    await server.shutdown();
  }
});

Deno.test("pinnedFetch() gives up when its signal fires, headers or body pending", async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const { server, port } = tlsServer(async () => {
    await held;
    return new Response("late");
  });
  try {
    await assert.rejects(
      pinnedFetch(
        new URL(`https://plugin.test:${port}/slow`),
        { signal: AbortSignal.timeout(200) },
        ["127.0.0.1"],
        { ca: [CERT] },
      ),
      (err: Error) => err.name === "TimeoutError",
    );
  } finally {
    release();
    await server.shutdown();
  }
});
