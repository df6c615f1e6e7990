/**
 * The service worker of a workspace (issue 17), served at /sw.js by routes/pwa.tsx, which writes
 * VERSION, SHELL (the content-hashed stylesheet, favicon, island modules and /offline) and
 * STYLESHEET above this text. The rules, and why each is so, are in docs/offline.md:
 * - assets with content-hashed URLs: cache first (they never change);
 * - pages: network first; a record's page the server marked readable offline for this worker's
 *   user (`X-Offline-User`) is kept, at most MAX_PAGES of them, and shown when the network fails;
 *   a page never kept gives /offline. Nothing under /api/ and no other page is ever kept;
 * - a note or a BOL/POD photo sent while offline is kept in IndexedDB with an idempotency key
 *   and sent to the API when the device is back online (Background Sync, or the page's
 *   `online` event through a message), once.
 * Caches belong to one origin (one workspace) and are named for one user; sign-out clears them
 * (Clear-Site-Data), and a worker registered for another user deletes every other user's cache.
 */
/* global VERSION, SHELL, STYLESHEET, LANG, WORDS */
/// <reference lib="webworker" />

const USER = new URL(self.location.href).searchParams.get("user") ?? "";
const SHELL_CACHE = `shell-${VERSION}`;
const PAGES_CACHE = `pages-${USER}`;
const OFFLINE_URL = "/offline";
const MAX_PAGES = 50;
/** A record's page: /<collection>/<26-character id>. */
const RECORD_PAGE = /^\/[a-z][a-z-]*\/[0-9a-z]{26}$/;
/** Files named by their content (or a version), safe to keep until the shell changes. */
const ASSET = /^\/(static|_islands|theme|brand|app-icons)\//;
/** The forms whose offline submissions are queued: a record's note, a load's photo. */
const NOTE_FORM = /^\/([a-z][a-z-]*)\/([0-9a-z]{26})\/notes$/;
const PHOTO_FORM = "/documents/camera";
const DB_NAME = "pm-offline";
const STORE = "queue";
const SYNC_TAG = "pm-queue";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== SHELL_CACHE && name !== PAGES_CACHE) await caches.delete(name);
    }
    await dropQueuedOfOthers();
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && request.mode === "navigate") {
    if (NOTE_FORM.test(url.pathname) || url.pathname === PHOTO_FORM) {
      event.respondWith(sendOrQueue(request));
    }
    return;
  }
  if (request.method !== "GET" || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") event.respondWith(networkFirst(request));
  else if (ASSET.test(url.pathname)) event.respondWith(cacheFirst(request));
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "flush") event.waitUntil(flush());
});

// Background Sync (Chromium): the browser wakes the worker once it thinks the device is online,
// even with no page of the app open. Failing while something is still queued makes the browser
// try again later with its own backoff; on the last chance the queue stays for the next `online`.
self.addEventListener("sync", (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(
    flush().then((left) => {
      if (left > 0 && !event.lastChance) throw new Error(`${left} queued action(s) not sent yet`);
    }),
  );
});

/** The key a page is kept under: its path, whatever its query (`?saved=1`). */
function pageKey(url) {
  const u = new URL(url);
  return u.origin + u.pathname;
}

function keepable(request, response) {
  const url = new URL(request.url);
  const type = response.headers.get("content-type") ?? "";
  return USER !== "" && response.status === 200 && response.type === "basic" &&
    type.startsWith("text/html") &&
    RECORD_PAGE.test(url.pathname) && response.headers.get("x-offline-user") === USER;
}

async function networkFirst(request) {
  let response;
  try {
    response = await fetch(request);
  } catch {
    const kept = await (await caches.open(PAGES_CACHE)).match(pageKey(request.url));
    return kept ?? (await caches.match(OFFLINE_URL)) ??
      new Response(`${WORDS["offline.page_title"]}.`, {
        status: 503,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
  }
  // The sign-in page is reached after signing out or when the session ended (a page's redirect
  // comes back to the worker as a navigation of its own): nothing of the user's stays.
  if (new URL(request.url).pathname === "/login") {
    await caches.delete(PAGES_CACHE);
  } else if (keepable(request, response)) {
    const cache = await caches.open(PAGES_CACHE);
    await cache.put(pageKey(request.url), response.clone());
    const keys = await cache.keys();
    for (const old of keys.slice(0, Math.max(0, keys.length - MAX_PAGES))) await cache.delete(old);
  }
  return response;
}

async function cacheFirst(request) {
  const cache = await caches.open(SHELL_CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  const control = response.headers.get("cache-control") ?? "";
  if (response.status === 200 && !control.includes("no-store")) {
    await cache.put(request, response.clone());
  }
  return response;
}

// ---- The queue of actions taken offline -------------------------------------------------------

function openQueue() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: "key" });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

async function withStore(mode, work) {
  const db = await openQueue();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result.result);
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

const queued = () => withStore("readonly", (s) => s.getAll());
const enqueue = (item) => withStore("readwrite", (s) => s.put(item));
const dequeue = (key) => withStore("readwrite", (s) => s.delete(key));

async function dropQueuedOfOthers() {
  for (const item of await queued()) if (item.user !== USER) await dequeue(item.key);
}

async function tell(message) {
  for (const client of await self.clients.matchAll({ type: "window" })) {
    client.postMessage(message);
  }
}

/** Sends a form as it is; without a network, keeps it and answers a "queued" page. */
async function sendOrQueue(request) {
  const copy = request.clone();
  try {
    return await fetch(request);
  } catch {
    const form = await copy.formData();
    const path = new URL(request.url).pathname;
    const note = NOTE_FORM.exec(path);
    const item = {
      key: crypto.randomUUID(),
      user: USER,
      csrf: String(form.get("_csrf") ?? ""),
      at: new Date().toISOString(),
    };
    if (note) {
      Object.assign(item, {
        kind: "note",
        api: `/api/v1/${note[1]}/${note[2]}/notes`,
        back: `/${note[1]}/${note[2]}`,
        body: String(form.get("body") ?? ""),
      });
    } else {
      const file = form.get("file");
      const loadId = String(form.get("load_id") ?? "");
      Object.assign(item, {
        kind: "photo",
        api: "/api/v1/documents/captures",
        back: `/loads/${loadId}`,
        loadId,
        file,
        name: file && typeof file === "object" ? file.name : "photo.jpg",
      });
    }
    await enqueue(item);
    await self.registration.sync?.register(SYNC_TAG).catch(() => {});
    await tell({ type: "queued", kind: item.kind });
    return queuedPage(item);
  }
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function queuedPage(item) {
  const said = WORDS[item.kind === "note" ? "offline.note_queued" : "offline.photo_queued"];
  const title = escapeHtml(WORDS["offline.queued_title"]);
  const html = `<!doctype html><html lang="${LANG}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${title}</title><link rel="stylesheet" href="${STYLESHEET}"></head><body>` +
    `<main id="main" class="content offline-queued"><h1>${title}</h1>` +
    `<p role="status" data-queued="${item.kind}">${escapeHtml(said)}</p>` +
    `<p><a href="${escapeHtml(item.back)}">${escapeHtml(WORDS["offline.back_to_record"])}</a>` +
    `</p></main></body></html>`;
  return new Response(html, {
    status: 202,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": "default-src 'self'; script-src 'none'",
    },
  });
}

let flushing = null;

/**
 * Sends every queued action of this user, oldest first; one at a time, never twice at once.
 * Resolves with how many are still queued (still offline, or the server said "later").
 */
function flush() {
  flushing ??= sendQueued().finally(() => (flushing = null));
  return flushing;
}

async function sendQueued() {
  const items = (await queued()).filter((i) => i.user === USER)
    .sort((a, b) => a.at.localeCompare(b.at));
  let sent = 0;
  for (const item of items) {
    const headers = { "x-csrf-token": item.csrf, "idempotency-key": item.key };
    let body;
    if (item.kind === "note") {
      headers["content-type"] = "application/json";
      body = JSON.stringify({ body: item.body });
    } else {
      body = new FormData();
      body.append("load_id", item.loadId);
      body.append("file", item.file, item.name);
    }
    let response;
    try {
      response = await fetch(item.api, {
        method: "POST",
        headers,
        body,
        credentials: "same-origin",
      });
    } catch {
      return items.length - sent; // still offline: the next `online` or sync tries again
    }
    // 409: the same key is still being handled; 408, 429 and 5xx: try again later.
    const later = response.status === 409 || response.status === 408 ||
      response.status === 429 || response.status >= 500;
    if (later) {
      await response.body?.cancel();
      return items.length - sent;
    }
    await dequeue(item.key);
    let message = "";
    if (!response.ok) {
      message = (await response.json().catch(() => null))?.error?.message ?? "";
    }
    sent++;
    await tell({ type: response.ok ? "sent" : "failed", kind: item.kind, message });
  }
  return 0;
}
