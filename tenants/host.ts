/**
 * @module tenants/host
 * Classifies a request's Host header: the bare app domain, a tenant subdomain
 * (`<slug>.<APP_DOMAIN>`), or a candidate custom domain. Pure, so it is tested without a server.
 */

export type HostKind =
  | { kind: "apex" }
  | { kind: "subdomain"; slug: string; host: string }
  | { kind: "custom"; host: string }
  | { kind: "invalid" };

/** Strips the port and lower-cases; returns null for a missing or malformed Host. */
export function normalizeHost(header: string | null | undefined): string | null {
  if (!header) return null;
  const host = header.trim().toLowerCase().replace(/:\d+$/, "").replace(/\.$/, "");
  if (!/^[a-z0-9.-]{1,253}$/.test(host) || host.includes("..")) return null;
  return host;
}

/** Classifies a Host header against the app domain. `www.` counts as the bare domain. */
export function classifyHost(header: string | null | undefined, appDomain: string): HostKind {
  const host = normalizeHost(header);
  if (!host) return { kind: "invalid" };
  const apex = appDomain.toLowerCase();
  if (host === apex || host === `www.${apex}`) return { kind: "apex" };
  if (host.endsWith(`.${apex}`)) {
    const slug = host.slice(0, -apex.length - 1);
    if (!/^[a-z0-9-]+$/.test(slug)) return { kind: "invalid" };
    return { kind: "subdomain", slug, host };
  }
  // Loopback addresses reach the bare domain (health checks, load balancers, wrk with no Host).
  if (host === "127.0.0.1" || host === "[::1]" || host === "localhost") return { kind: "apex" };
  return { kind: "custom", host };
}

/**
 * `classifyHost` with a bounded memo of recent Host headers: a request's Host is one of a few
 * values, and classifying it (three regular expressions) was a measurable share of an API call.
 */
export function hostClassifier(appDomain: string, maxEntries = 10_000) {
  const memo = new Map<string, HostKind>();
  return (header: string | null | undefined): HostKind => {
    if (!header) return { kind: "invalid" };
    let kind = memo.get(header);
    if (kind === undefined) {
      kind = classifyHost(header, appDomain);
      // Hosts are chosen by clients: start over rather than grow without bound.
      if (memo.size >= maxEntries) memo.clear();
      memo.set(header, kind);
    }
    return kind;
  };
}
