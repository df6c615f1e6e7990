/**
 * @module tests/helpers/documents
 * Uploading files as multipart over loopback HTTP with a bearer token, waiting for the document
 * worker to process them, and "scanned" paperwork: a page rendered by Chromium to an image, with
 * no text layer at all.
 */
import type { TestServer } from "./server.ts";
import type { ApiClient } from "./api.ts";
import { Worker } from "../../workers/runner.ts";
import { workerOptions } from "../../workers/handlers.ts";
import { launchBrowser } from "../e2e/browser.ts";

export interface BolLines {
  bol: string;
  seal: string;
  carrier: string;
  shipDate: string;
  shipper: string;
}

/** A bill of lading as a screenshot (PNG, or JPEG at quality 90), as a scanner would give it. */
export async function scannedBolImage(
  lines: BolLines,
  type: "png" | "jpeg" = "png",
): Promise<Uint8Array> {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ width: 850, height: 700 });
    await page.setContent(`<body style="font-family:sans-serif;font-size:18px;padding:40px">
      <h1>BILL OF LADING</h1>
      <p>BOL Number: ${lines.bol}</p>
      <p>Seal #: ${lines.seal}</p>
      <p>Carrier: ${lines.carrier}</p>
      <p>Ship Date: ${lines.shipDate}</p>
      <p>Shipper: ${lines.shipper}</p></body>`);
    return new Uint8Array(
      await page.screenshot(type === "jpeg" ? { type: "jpeg", quality: 90 } : { type: "png" }),
    );
  } finally {
    await browser.close();
  }
}

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
