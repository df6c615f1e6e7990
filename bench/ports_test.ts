import assert from "node:assert/strict";
import { benchPort } from "./ports.ts";

Deno.test("a bench port and the one after it are free and below the kernel's ephemeral range", () => {
  const low = Number(
    Deno.readTextFileSync("/proc/sys/net/ipv4/ip_local_port_range").trim().split(/\s+/)[0],
  );
  for (let i = 0; i < 20; i++) {
    const port = benchPort();
    assert.ok(port >= 10000 && port + 1 < low, `${port} below ${low}`);
    for (const p of [port, port + 1]) Deno.listen({ hostname: "127.0.0.1", port: p }).close();
  }
});

Deno.test("a port someone listens on is not handed out", () => {
  const taken: Deno.Listener[] = [];
  try {
    // Hold every port of a small window, then check none of them comes back while held.
    const held = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const port = benchPort();
      taken.push(Deno.listen({ hostname: "127.0.0.1", port }));
      held.add(port);
    }
    for (let i = 0; i < 200; i++) assert.ok(!held.has(benchPort()));
  } finally {
    for (const l of taken) l.close();
  }
});
