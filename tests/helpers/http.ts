/**
 * @module tests/helpers/http
 * Real HTTP over loopback with a chosen Host header (Deno's fetch ignores `Host`, and tenant
 * subdomains such as acme.localhost do not resolve outside a browser). Answers a standard Response.
 */
import { request } from "node:http";
import { Buffer } from "node:buffer";

export interface HostRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  json?: unknown;
}

/** Sends a request to 127.0.0.1:`port` as if addressed to `host`. */
export function hostFetch(
  port: number,
  host: string,
  path: string,
  init: HostRequestInit = {},
): Promise<Response> {
  const headers: Record<string, string> = { host: `${host}:${port}`, ...init.headers };
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers["content-type"] ??= "application/json";
  }
  return new Promise((resolve, reject) => {
    const req = request({
      hostname: "127.0.0.1",
      port,
      path,
      method: init.method ?? "GET",
      headers,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (Array.isArray(v)) v.forEach((x) => out.append(k, x));
          else if (v !== undefined) out.set(k, String(v));
        }
        const status = res.statusCode ?? 0;
        const bytes = Buffer.concat(chunks);
        resolve(
          new Response(status === 204 || status === 304 ? null : bytes, {
            status,
            headers: out,
          }),
        );
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/**
 * Keeps cookies per host between requests, like a browser: host-only cookies for the host that set
 * them, a cookie with `Domain=d` for d and every host under it (the handoff nonce, auth/handoff.ts).
 */
export class CookieJar {
  #jar = new Map<string, Map<string, string>>();
  #domains = new Map<string, Map<string, string>>();

  /** Stores Set-Cookie headers of a response received from `host`. */
  store(host: string, res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const domain = /;\s*domain=\.?([^;]+)/i.exec(line)?.[1]?.trim().toLowerCase();
      const map = domain ? this.#domains : this.#jar;
      const key = domain ?? host;
      const cookies = map.get(key) ?? new Map<string, string>();
      if (/max-age=0/i.test(line) || value === "") cookies.delete(name);
      else cookies.set(name, value);
      map.set(key, cookies);
    }
  }

  /** The Cookie header for `host`. */
  header(host: string): string {
    return [...this.#for(host).entries()].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  #for(host: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const [domain, cookies] of this.#domains) {
      if (host === domain || host.endsWith(`.${domain}`)) {
        for (const [k, v] of cookies) out.set(k, v);
      }
    }
    for (const [k, v] of this.#jar.get(host) ?? []) out.set(k, v);
    return out;
  }

  /** One cookie's value. */
  get(host: string, name: string): string | undefined {
    return this.#for(host).get(name);
  }
}
