/**
 * @module storage/s3
 * An S3-compatible bucket (Tigris on Fly, AWS S3, MinIO) over plain `fetch` with AWS Signature
 * Version 4, path-style addressing. No SDK: four calls (PUT, GET, DELETE, and ListObjectsV2 for
 * `files:seal`, storage/seal_plain_files.ts) are all it needs.
 */
import { Buffer } from "node:buffer";
import { createHash, createHmac } from "node:crypto";
import { assertKey, FileMissingError, type FileStorage } from "./file_storage.ts";

export interface S3Options {
  bucket: string;
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Clock for signing (tests). */
  now?: () => Date;
}

const hex = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) =>
  createHmac("sha256", key).update(data).digest();

/** Signs a request the SigV4 way; returns the headers to send. */
export function signS3Request(
  opts: S3Options,
  method: string,
  url: URL,
  payloadHash: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const now = (opts.now ?? (() => new Date()))();
  const amzDate = now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k.toLowerCase(), v.trim()])),
    host: url.host,
    "x-amz-content-sha256": payloadHash,
    "x-amz-date": amzDate,
  };
  const names = Object.keys(headers).sort();
  const canonical = [
    method,
    url.pathname,
    [...url.searchParams].sort().map(([k, v]) =>
      `${encodeURIComponent(k)}=${encodeURIComponent(v)}`
    ).join("&"),
    names.map((n) => `${n}:${headers[n]}\n`).join(""),
    names.join(";"),
    payloadHash,
  ].join("\n");
  const scope = `${day}/${opts.region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, hex(canonical)].join("\n");
  let key = hmac(`AWS4${opts.secretAccessKey}`, day);
  for (const part of [opts.region, "s3", "aws4_request"]) key = hmac(key, part);
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${opts.accessKeyId}/${scope}, ` +
    `SignedHeaders=${names.join(";")}, Signature=${signature}`;
  delete headers.host; // fetch sets it
  return headers;
}

export class S3Storage implements FileStorage {
  readonly kind = "s3" as const;
  constructor(readonly opts: S3Options) {}

  #url(key: string): URL {
    assertKey(key);
    const base = this.opts.endpoint.replace(/\/+$/, "");
    return new URL(`${base}/${encodeURIComponent(this.opts.bucket)}/${key}`);
  }

  async #send(
    method: string,
    key: string | URL,
    body?: Uint8Array,
    type?: string,
  ): Promise<Response> {
    const url = typeof key === "string" ? this.#url(key) : key;
    const headers = signS3Request(
      this.opts,
      method,
      url,
      hex(body ?? ""),
      type ? { "content-type": type } : {},
    );
    return await fetch(url, {
      method,
      headers,
      body: body as BodyInit | undefined,
      signal: AbortSignal.timeout(60_000),
    });
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const res = await this.#send("PUT", key, bytes, contentType);
    await res.body?.cancel();
    if (!res.ok) throw new Error(`Storing ${key} failed: bucket answered ${res.status}.`);
  }

  async get(key: string): Promise<Uint8Array> {
    const res = await this.#send("GET", key);
    if (res.status === 404) {
      await res.body?.cancel();
      throw new FileMissingError(key);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`Reading ${key} failed: bucket answered ${res.status}.`);
    }
    return new Uint8Array(await res.arrayBuffer());
  }

  async delete(key: string): Promise<void> {
    const res = await this.#send("DELETE", key);
    await res.body?.cancel();
    if (!res.ok && res.status !== 404) {
      throw new Error(`Deleting ${key} failed: bucket answered ${res.status}.`);
    }
  }

  /**
   * Every key under `prefix` (e.g. `<tenantId>/`), a page of up to `pageSize` at a time
   * (ListObjectsV2, following NextContinuationToken until the listing is no longer truncated).
   */
  async *list(prefix: string, pageSize = 1000): AsyncGenerator<string> {
    const base = this.opts.endpoint.replace(/\/+$/, "");
    let token: string | null = null;
    do {
      const url = new URL(`${base}/${encodeURIComponent(this.opts.bucket)}`);
      url.searchParams.set("list-type", "2");
      url.searchParams.set("prefix", prefix);
      url.searchParams.set("max-keys", String(pageSize));
      if (token) url.searchParams.set("continuation-token", token);
      const res = await this.#send("GET", url);
      const text = await res.text();
      if (!res.ok) throw new Error(`Listing ${prefix} failed: bucket answered ${res.status}.`);
      for (const m of text.matchAll(/<Key>([^<]*)<\/Key>/g)) yield xmlText(m[1]!);
      const truncated = /<IsTruncated>\s*true\s*<\/IsTruncated>/.test(text);
      const next = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(text)?.[1];
      token = truncated && next ? xmlText(next) : null;
      if (truncated && !next) throw new Error(`Listing ${prefix}: a truncated page had no token.`);
    } while (token);
  }
}

function xmlText(s: string): string {
  return s.replace(
    /&(lt|gt|quot|apos|amp);/g,
    (_, e: string) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[e]!,
  );
}
