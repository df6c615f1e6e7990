/**
 * @module storage/s3
 * An S3-compatible bucket (Tigris on Fly, AWS S3, MinIO) over plain `fetch` with AWS Signature
 * Version 4, path-style addressing. No SDK: three calls (PUT, GET, DELETE) are all it needs.
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

  async #send(method: string, key: string, body?: Uint8Array, type?: string): Promise<Response> {
    const url = this.#url(key);
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
}
