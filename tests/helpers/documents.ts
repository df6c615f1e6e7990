/**
 * @module tests/helpers/documents
 * Uploading files as multipart over loopback HTTP with a bearer token, and waiting for the
 * document worker to process them.
 */
import type { TestServer } from "./server.ts";
import type { ApiClient } from "./api.ts";
import { Worker } from "../../workers/runner.ts";
import { workerOptions } from "../../workers/handlers.ts";

/** POSTs one file to /api/v1/documents; returns status and parsed body. */
export async function uploadFile(
  server: TestServer,
  api: ApiClient,
  name: string,
  bytes: Uint8Array,
  field = "file",
) {
  const form = new FormData();
  form.append(field, new File([bytes as Uint8Array<ArrayBuffer>], name));
  const req = new Request("http://x/", { method: "POST", body: form });
  const body = new Uint8Array(await req.arrayBuffer());
  const res = await server.fetch(api.host, "/api/v1/documents", {
    method: "POST",
    headers: {
      authorization: `Bearer ${api.token}`,
      "content-type": req.headers.get("content-type")!,
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Starts a worker on the test server's services (stop it in `finally`). */
export function startWorker(server: TestServer): Worker {
  const worker = new Worker(server.services, { ...workerOptions(server.services), idleMs: 20 });
  worker.start();
  return worker;
}

/** Polls a document until it leaves queued/processing (or 20 s pass). */
export async function waitForDocument(api: ApiClient, id: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const doc = await api.ok("GET", `/api/v1/documents/${id}`);
    if (!["queued", "processing"].includes(doc.status) || Date.now() > deadline) return doc;
    await new Promise((r) => setTimeout(r, 25));
  }
}
