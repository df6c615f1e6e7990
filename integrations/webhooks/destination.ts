/**
 * @module integrations/webhooks/destination
 * Where a workspace may send its events: an https:// URL on the public internet. Checked when an
 * endpoint is saved and again before every call (a name can start resolving elsewhere): no
 * credentials in the URL, no IP address of a private, loopback, link-local or reserved network
 * written in it or resolved from its name (the cloud's metadata service, the app's own ports,
 * other machines of the private network), and no redirect followed. A delivery resolves the name
 * once and connects to that very address (`resolveDestination`, pinned_post.ts). WEBHOOK_ALLOW_PRIVATE_NETWORKS
 * (tests and a developer's machine; refused in production) lifts the network rule and allows
 * http://.
 */
import { isPrivateAddress } from "../../plugins/host/safe_fetch.ts";

/** Resolves a host name to its addresses (A and AAAA). */
export type Resolver = (hostname: string) => Promise<string[]>;

export const systemResolver: Resolver = async (hostname) => {
  const found = await Promise.allSettled([
    Deno.resolveDns(hostname, "A"),
    Deno.resolveDns(hostname, "AAAA"),
  ]);
  return found.flatMap((r) => r.status === "fulfilled" ? r.value : []);
};

/** A destination refused, with the reason a person can act on. */
export class DestinationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DestinationError";
  }
}

/** Checks the URL's form only (no network): what the API validates on every save. */
export function checkUrlForm(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DestinationError("Give the endpoint as a full URL, e.g. https://example.com/hooks.");
  }
  if (url.protocol !== "https:" && !(allowPrivate && url.protocol === "http:")) {
    throw new DestinationError("Webhook endpoints must use https://.");
  }
  if (url.username || url.password) {
    throw new DestinationError(
      "Put no user name or password in the URL; check the webhook-signature header instead.",
    );
  }
  if (url.hash) throw new DestinationError("A webhook URL cannot have a #fragment.");
  // "localhost." is "localhost": a name's trailing dots do not make it another host.
  const host = url.hostname.replace(/^\[|\]$/g, "").replace(/\.+$/, "");
  if (
    !allowPrivate && (isPrivateAddress(host) || host === "localhost" || host.endsWith(".localhost"))
  ) {
    throw new DestinationError(
      "Webhook endpoints must be on the public internet, not a private or loopback address.",
    );
  }
  return url;
}

/** Checks the URL's form and where its name resolves now; returns it parsed. */
export async function checkDestination(
  raw: string,
  opts: { allowPrivate: boolean; resolve: Resolver },
): Promise<URL> {
  if (opts.allowPrivate) return checkUrlForm(raw, true);
  return (await resolveDestination(raw, opts)).url;
}

/**
 * Checks the URL and resolves its name once: the address to connect to (pinned_post.ts), so that
 * a name answering differently a moment later (DNS rebinding) cannot move the call inside.
 */
export async function resolveDestination(
  raw: string,
  opts: { allowPrivate: boolean; resolve: Resolver },
): Promise<{ url: URL; address: string }> {
  const url = checkUrlForm(raw, opts.allowPrivate);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const literal = /^[\d.]+$/.test(host) || host.includes(":");
  if (literal) return { url, address: host };
  const addresses = await opts.resolve(host).catch(() => [] as string[]);
  // Tests and a developer's machine: a name DNS does not know (localhost) is left to the system.
  if (opts.allowPrivate) return { url, address: addresses[0] ?? host };
  if (addresses.length === 0) throw new DestinationError(`${host} does not resolve.`);
  if (addresses.some(isPrivateAddress)) {
    throw new DestinationError(
      `${host} resolves to a private or reserved address; webhooks go to the public internet only.`,
    );
  }
  return { url, address: addresses[0]! };
}
