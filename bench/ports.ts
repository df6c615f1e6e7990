/**
 * @module bench/ports
 * Ports for bench servers. They used to be drawn from 20000-60000, which overlaps the kernel's
 * ephemeral range (32768-60999 here): after a run that opens many connections (thousands of
 * client sockets in TIME_WAIT for a minute), a server drawn there failed to start with
 * "Address already in use". These come from below that range and are checked free.
 */

/** The lowest port of the kernel's ephemeral range (where client sockets get theirs). */
function ephemeralLow(): number {
  try {
    const range = Deno.readTextFileSync("/proc/sys/net/ipv4/ip_local_port_range");
    return Number(range.trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

function canListen(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch {
    return false;
  }
}

/**
 * A port for a bench server such that it and the `extra` ports after it are free now and outside
 * the ephemeral range. Each process draws at random, so two bench servers rarely meet.
 */
export function benchPort(extra = 1): number {
  const high = Math.min(ephemeralLow(), 65536) - extra - 1;
  for (let tries = 0; tries < 200; tries++) {
    const port = 10000 + Math.floor(Math.random() * (high - 10000));
    let free = true;
    for (let p = port; p <= port + extra && free; p++) free = canListen(p);
    if (free) return port;
  }
  throw new Error("no free port for a bench server below the ephemeral range");
}
