import assert from "node:assert/strict";
import {
  checkDestination,
  checkUrlForm,
  DestinationError,
  resolveDestination,
} from "./destination.ts";
import { pinnedPost } from "./pinned_post.ts";

const publicOnly = (addresses: string[]) => ({
  allowPrivate: false,
  resolve: () => Promise.resolve(addresses),
});

Deno.test("a public https endpoint passes", async () => {
  const url = await checkDestination("https://hooks.example.com/pm", publicOnly(["93.184.216.34"]));
  assert.equal(url.hostname, "hooks.example.com");
});

Deno.test("endpoints on private, loopback, link-local or metadata addresses are refused", async () => {
  for (
    const raw of [
      "https://127.0.0.1/h",
      "https://10.1.2.3/h",
      "https://[::1]/h",
      "https://localhost/h",
    ]
  ) {
    assert.throws(() => checkUrlForm(raw, false), DestinationError, raw);
  }
  // A public-looking name that resolves inside (DNS pointing at the metadata service) is refused
  // when the call is made, not only when the endpoint is saved.
  for (const inside of ["169.254.169.254", "192.168.1.10", "fd00::1", "::ffff:127.0.0.1"]) {
    await assert.rejects(
      checkDestination("https://sneaky.example.com/h", publicOnly(["93.184.216.34", inside])),
      DestinationError,
      inside,
    );
  }
  await assert.rejects(checkDestination("https://gone.example.com/h", publicOnly([])), /resolve/);
});

Deno.test("plain http and credentials in the URL are refused", () => {
  assert.throws(() => checkUrlForm("http://hooks.example.com/h", false), /https/);
  assert.throws(() => checkUrlForm("https://a:b@hooks.example.com/h", false), /password/);
  assert.throws(() => checkUrlForm("ftp://hooks.example.com/h", false), /https/);
  // Tests and a developer's machine only (production refuses the setting).
  assert.equal(checkUrlForm("http://127.0.0.1:9000/h", true).port, "9000");
});

Deno.test("a delivery resolves the name once and connects to that address, with the name for TLS", async () => {
  // A local receiver stands in for the endpoint; the connector double records where it was asked
  // to connect and hands over a connection to the receiver.
  const seen: string[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    seen.push(`${req.headers.get("host")} ${new URL(req.url).pathname} ${await req.text()}`);
    return new Response("thanks", { status: 202 });
  });
  try {
    let lookups = 0;
    // Rebinding: public for the first answer, the metadata service for every later one.
    const resolve = () =>
      Promise.resolve(lookups++ === 0 ? ["93.184.216.34"] : ["169.254.169.254"]);
    const target = await resolveDestination("https://hooks.example.com/in?x=1", {
      allowPrivate: false,
      resolve,
    });
    assert.equal(target.address, "93.184.216.34");
    const connects: Array<[string, number, string | null]> = [];
    const answer = await pinnedPost(target.url, target.address, { "webhook-id": "msg_1" }, "{}", {
      signal: new AbortController().signal,
      readLimit: 1024,
      connect: (address, port, serverName) => {
        connects.push([address, port, serverName]);
        return Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
      },
    });
    assert.equal(lookups, 1, "one look-up: the connection never asks DNS again");
    assert.deepEqual(connects, [["93.184.216.34", 443, "hooks.example.com"]]);
    assert.equal(answer.status, 202);
    assert.equal(new TextDecoder().decode(answer.body), "thanks");
    assert.deepEqual(seen, ["hooks.example.com /in {}"]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("a name that resolves inside is refused before any connection", async () => {
  for (const inside of [["10.0.0.5"], ["93.184.216.34", "127.0.0.1"], []]) {
    await assert.rejects(
      resolveDestination("https://rebind.example.com/in", {
        allowPrivate: false,
        resolve: () => Promise.resolve(inside),
      }),
      DestinationError,
      inside.join(","),
    );
  }
});

Deno.test("pinnedPost gives up when its signal fires", async () => {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async () => {
    await new Promise((r) => setTimeout(r, 2000));
    return new Response("late");
  });
  try {
    const started = performance.now();
    await assert.rejects(
      pinnedPost(new URL(`http://127.0.0.1:${server.addr.port}/slow`), "127.0.0.1", {}, "{}", {
        signal: AbortSignal.timeout(200),
        readLimit: 1024,
      }),
      (err: Error) => err.name === "TimeoutError",
    );
    assert.ok(performance.now() - started < 1500);
  } finally {
    await server.shutdown();
  }
});

Deno.test("every spelling of an inside address is refused, in the URL or from DNS", async () => {
  // Decimal, hex, octal and short IPv4, IPv4 inside IPv6 (mapped, compatible, NAT64, 6to4,
  // Teredo), site-local, documentation and discard ranges, and a trailing dot on a name.
  for (
    const raw of [
      "https://2130706433/h",
      "https://0x7f.1/h",
      "https://0177.0.0.1/h",
      "https://[::ffff:169.254.169.254]/h",
      "https://[::127.0.0.1]/h",
      "https://[0:0:0:0:0:0:0:1]/h",
      "https://[64:ff9b:1::a00:1]/h",
      "https://[2002:7f00:1::]/h",
      "https://[2001::1]/h",
      "https://[fec0::1]/h",
      "https://[2001:db8::1]/h",
      "https://[100::1]/h",
      "https://192.0.2.1/h",
      "https://localhost./h",
      "https://metadata.localhost../h",
    ]
  ) {
    assert.throws(() => checkUrlForm(raw, false), DestinationError, raw);
  }
  // What a resolver might answer, written out in full or with a zone.
  for (const inside of ["0:0:0:0:0:0:0:1", "::7f00:1", "fe80::1%eth0", "::ffff:0:a00:1"]) {
    await assert.rejects(
      checkDestination("https://rebind.example.com/h", publicOnly([inside])),
      DestinationError,
      inside,
    );
  }
  // Public addresses of both families still pass.
  for (const outside of ["2606:4700::1", "8.8.8.8"]) {
    await checkDestination("https://hooks.example.com/h", publicOnly([outside]));
  }
});
