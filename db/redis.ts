/**
 * @module db/redis
 * The connection to the Redis that every machine shares when `REDIS_URL` is set: rate limits,
 * login and e-mail throttles (db/redis_limits.ts) and read-cache invalidation
 * (db/redis_changes.ts). Without `REDIS_URL` none of this is opened and each process counts alone.
 *
 * Redis is a help, never a condition for serving: commands are not queued while disconnected
 * (`enableOfflineQueue: false`) and time out after COMMAND_TIMEOUT_MS, so a caller learns at once
 * that Redis is away and uses its in-process fallback; the client keeps reconnecting in the
 * background. Each outage is logged once, at error level, when it starts, and once when it ends.
 */
// Only the type at start: the client library (~0.1 s and ~10 MB to load) is loaded by the first
// connectRedis, so a deployment without REDIS_URL never loads it.
import type { Redis } from "ioredis";
import type { Logger } from "../http/log.ts";

/** A slow Redis costs a request at most this long before the fallback answers. */
export const COMMAND_TIMEOUT_MS = 250;
/** How long a starting process waits for Redis before it serves with its fallbacks. */
export const CONNECT_WAIT_MS = 2000;

/** Two connections to one Redis: commands, and a subscriber (Redis forbids commands on it). */
export interface SharedRedis {
  readonly client: Redis;
  readonly subscriber: Redis;
  /** True while commands can be sent; false sends callers to their fallback without waiting. */
  ready(): boolean;
  /** Reports a failed command: logs the start of an outage once; the caller falls back. */
  degraded(what: string, err: unknown): void;
  /** Runs `listener` on close (a change feed unregisters itself). */
  onClose(listener: () => void): void;
  /** Closes both connections and stops reconnecting (closeServices). */
  close(): Promise<void>;
}

/** Connects to `url`, waiting at most CONNECT_WAIT_MS; an unreachable Redis is logged, not fatal. */
export async function connectRedis(url: string, log: Logger): Promise<SharedRedis> {
  const options = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_WAIT_MS,
    // Reconnect quickly at first, then every second: limits return to shared counts soon after.
    retryStrategy: (attempt: number) => Math.min(50 * 2 ** attempt, 1000),
  };
  const { Redis } = await import("ioredis");
  const client = new Redis(url, options);
  // Subscriptions are made again by the change feed on every "ready", which it needs to know.
  const subscriber = new Redis(url, { ...options, autoResubscribe: false });
  let outage = false;
  const closeListeners: Array<() => void> = [];
  const where = redactedAddress(url);
  const degraded = (what: string, err: unknown) => {
    if (outage) return;
    outage = true;
    log.error(
      "Redis unreachable: limits, throttles and cache notices are per process until it answers",
      {
        redis: where,
        during: what,
        error: err instanceof Error ? err.message : String(err),
      },
    );
  };
  for (const connection of [client, subscriber]) {
    // Without a listener an emitted "error" would end the process.
    connection.on("error", (err: Error) => degraded("connection", err));
  }
  client.on("ready", () => {
    if (outage) {
      log.info("Redis answers again: limits are shared across machines", { redis: where });
    }
    outage = false;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.all([once(client, "ready"), once(subscriber, "ready")]),
    new Promise((resolve) => timer = setTimeout(resolve, CONNECT_WAIT_MS)),
  ]);
  clearTimeout(timer);
  if (client.status !== "ready") degraded("start", new Error(`status ${client.status}`));
  return {
    client,
    subscriber,
    ready: () => {
      if (client.status === "ready") return true;
      // A connection can drop without an "error" event (closed, then reconnecting): the caller
      // falls back now, so this is where that outage is first seen and logged.
      degraded("command", new Error(`connection ${client.status}`));
      return false;
    },
    degraded,
    onClose: (listener) => closeListeners.push(listener),
    async close() {
      for (const listener of closeListeners.splice(0)) listener();
      for (const connection of [client, subscriber]) {
        if (connection.status === "end") continue;
        const ended = once(connection, "end");
        connection.disconnect();
        // While Redis is away the connection sits between reconnect attempts with no socket, and
        // disconnecting it then ends it without an "end" event: wait a moment, never forever.
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([ended, new Promise((resolve) => timer = setTimeout(resolve, 500))]);
        clearTimeout(timer);
      }
    },
  };
}

/** Resolves on the first `event` of the connection. */
function once(connection: Redis, event: string): Promise<void> {
  return new Promise((resolve) => connection.once(event, () => resolve()));
}

/** The address without its password, for logs. */
function redactedAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || 6379}`;
  } catch {
    return "(unparseable REDIS_URL)";
  }
}
