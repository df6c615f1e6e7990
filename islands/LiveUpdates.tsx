/**
 * @module islands/LiveUpdates
 * Keeps the open page current while colleagues work (issue 17). It listens to the workspace's
 * changes (GET /api/v1/events as server-sent events, or polling it every few seconds when the
 * stream keeps failing) and, when a change concerns this page, fetches the page again and swaps
 * its main area in place, marking what changed with a short highlight. A list follows its record
 * type, a record page its record, the dashboard and the documents pages everything they show. An
 * edit form is never swapped: it warns that someone else saved the record. Parts of the page that
 * hold an island (an upload form) are kept as they are; a page with something in progress (a field
 * with focus, an open menu) gets a Reload notice instead of a swap. Every batch is also announced as a `pm:live` window event (the bell
 * listens). Without JavaScript the page simply stays as it was loaded.
 */
import { useEffect, useState } from "preact/hooks";
import { isLanguage, type Messages, translatorOf } from "../i18n/format.ts";

interface LiveEventJson {
  kind: "record" | "document" | "activity";
  collection: string;
  id: string;
  action: string;
  user_id: string | null;
}

export interface LiveUpdatesProps {
  /** The signed-in member: their own saves never warn their own edit form. */
  userId: string;
  /** The reader's language and LIVE_UPDATES_MESSAGES in it (the keys show without them). */
  language?: string;
  messages?: Messages;
}

/** The catalogue keys this island shows (the page passes them through `messagesFor`). */
export const LIVE_UPDATES_MESSAGES = [
  "live.updated",
  "live.changed_while_editing",
  "live.page_changed",
  "live.reload",
];

const POLL_MS = 5000;
/** Errors within a minute before the stream is given up for polling. */
const MAX_STREAM_ERRORS = 3;

type Concern = "refresh" | "warn" | null;

/** What a batch means for the page at `path`. */
export function concernOf(path: string, events: LiveEventJson[], userId: string): Concern {
  const parts = path.split("/").filter(Boolean);
  if (parts.length === 0) return events.some((e) => e.kind !== "activity") ? "refresh" : null;
  const [collection, id, rest] = parts;
  if (parts.length >= 3 && (rest === "edit")) {
    return events.some((e) =>
        e.collection === collection && e.id === id && e.kind === "record" &&
        e.user_id !== userId
      )
      ? "warn"
      : null;
  }
  if (id === "new" || parts.length > 2) return null;
  if (collection === "documents") {
    return events.some((e) => e.kind === "document" && (!id || e.id === id)) ? "refresh" : null;
  }
  if (!id) {
    return events.some((e) => e.kind === "record" && e.collection === collection)
      ? "refresh"
      : null;
  }
  // A record page also shows its documents and related records: any event naming it, or a document.
  return events.some((e) => (e.collection === collection && e.id === id) || e.kind === "document")
    ? "refresh"
    : null;
}

/** Texts of the parts a highlight compares: rows by their first link, facts by field name. */
function snapshot(root: Element): Map<string, string> {
  const out = new Map<string, string>();
  root.querySelectorAll("tr").forEach((row) => {
    const href = row.querySelector("a[href]")?.getAttribute("href");
    if (href) out.set(`row:${href}`, row.textContent ?? "");
  });
  root.querySelectorAll("[data-field]").forEach((el) => {
    out.set(`field:${el.getAttribute("data-field")}`, el.textContent ?? "");
  });
  root.querySelectorAll("[data-live-item]").forEach((el) => {
    out.set(`item:${el.getAttribute("data-live-item")}`, el.textContent ?? "");
  });
  return out;
}

/** Something in progress in the main area that a swap would lose: a focused field, an open menu. */
function busy(main: Element): boolean {
  const active = document.activeElement;
  return Boolean(
    main.querySelector("details[open]") ||
      (active && main.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName)),
  );
}

/** An island (hydrated) must keep its DOM: only the parts of the main area without one change. */
function swap(main: Element, next: Element): boolean {
  if (!main.querySelector("pm-island")) {
    main.innerHTML = next.innerHTML;
    return true;
  }
  const before = [...main.children];
  const after = [...next.children];
  if (before.length !== after.length || before.some((el, i) => el.tagName !== after[i]!.tagName)) {
    return false;
  }
  before.forEach((el, i) => {
    if (el.tagName !== "PM-ISLAND" && !el.querySelector("pm-island")) el.replaceWith(after[i]!);
  });
  return true;
}

async function refresh(onBusy: () => void): Promise<void> {
  const main = document.getElementById("main");
  if (!main) return;
  if (busy(main)) return onBusy();
  const res = await fetch(location.href, { headers: { accept: "text/html" } });
  if (!res.ok || !res.headers.get("content-type")?.includes("text/html")) return;
  const next = new DOMParser().parseFromString(await res.text(), "text/html")
    .getElementById("main");
  if (!next || busy(main)) return;
  const before = snapshot(main);
  if (!swap(main, next)) return onBusy();
  const mark = (el: Element, key: string) => {
    if (before.get(key) !== (el.textContent ?? "")) el.classList.add("live-changed");
  };
  main.querySelectorAll("tr").forEach((row) => {
    const href = row.querySelector("a[href]")?.getAttribute("href");
    if (href && row.closest("tbody")) mark(row, `row:${href}`);
  });
  main.querySelectorAll("[data-field]").forEach((el) =>
    mark(el, `field:${el.getAttribute("data-field")}`)
  );
  main.querySelectorAll("[data-live-item]").forEach((el) =>
    mark(el, `item:${el.getAttribute("data-live-item")}`)
  );
  document.body.setAttribute("data-live-updated", String(Date.now()));
}

export default function LiveUpdates(props: LiveUpdatesProps) {
  const [notice, setNotice] = useState<"" | "warn" | "stale">("");
  const [announce, setAnnounce] = useState("");
  const t = translatorOf(isLanguage(props.language) ? props.language : "en", props.messages ?? {});

  useEffect(() => {
    let stopped = false;
    let source: EventSource | null = null;
    let pollTimer: ReturnType<typeof setTimeout> | undefined;
    let cursor = "";
    let errors: number[] = [];
    let queued = false;

    const handle = (events: LiveEventJson[]) => {
      if (!events.length) return;
      globalThis.dispatchEvent(new CustomEvent("pm:live", { detail: { events } }));
      const concern = concernOf(location.pathname, events, props.userId);
      if (concern === "warn") return setNotice("warn");
      if (concern !== "refresh" || queued) return;
      queued = true;
      // Several changes in a burst: one fetch.
      setTimeout(() => {
        queued = false;
        refresh(() => setNotice("stale")).then(
          () => setAnnounce(t("live.updated")),
          () => {},
        );
      }, 150);
    };

    const poll = async () => {
      if (stopped) return;
      try {
        const url = cursor
          ? `/api/v1/events?after=${encodeURIComponent(cursor)}`
          : "/api/v1/events";
        const res = await fetch(url, { headers: { accept: "application/json" } });
        if (res.ok) {
          const body = await res.json() as { events: LiveEventJson[]; cursor: string };
          if (cursor) handle(body.events);
          cursor = body.cursor;
        }
      } catch { /* offline: try again */ }
      pollTimer = setTimeout(poll, POLL_MS);
    };

    const stream = () => {
      if (typeof EventSource === "undefined") return void poll();
      source = new EventSource("/api/v1/events");
      source.addEventListener("ready", (e) => {
        cursor = (e as MessageEvent).lastEventId || cursor;
        document.body.setAttribute("data-live", "stream");
      });
      source.addEventListener("change", (e) => {
        const message = e as MessageEvent;
        cursor = message.lastEventId || cursor;
        handle((JSON.parse(message.data) as { events: LiveEventJson[] }).events);
      });
      source.onerror = () => {
        const now = Date.now();
        errors = [...errors.filter((t) => now - t < 60_000), now];
        if (errors.length >= MAX_STREAM_ERRORS && source) {
          source.close();
          source = null;
          document.body.setAttribute("data-live", "poll");
          void poll();
        }
      };
    };

    // Leaving the page closes the stream at once: a browser allows only six connections to a
    // host, and a stream left to the page's teardown (or kept by the back-forward cache) holds one.
    // A tab in the background needs no stream either: it catches up with one poll when shown.
    const onHide = () => {
      source?.close();
      source = null;
    };
    const resume = () => {
      // Polling (the stream gave up) goes on by itself; a closed stream reopens and catches up.
      if (stopped || source || pollTimer !== undefined) return;
      if (document.visibilityState !== "visible") return;
      if (cursor) void catchUp();
      stream();
    };
    const catchUp = async () => {
      try {
        const res = await fetch(`/api/v1/events?after=${encodeURIComponent(cursor)}`, {
          headers: { accept: "application/json" },
        });
        if (res.ok) handle((await res.json() as { events: LiveEventJson[] }).events);
      } catch { /* the stream will tell */ }
    };
    const onVisibility = () => document.visibilityState === "visible" ? resume() : onHide();
    const onShow = (e: PageTransitionEvent) => e.persisted && resume();
    globalThis.addEventListener("pagehide", onHide);
    globalThis.addEventListener("pageshow", onShow);
    document.addEventListener("visibilitychange", onVisibility);
    if (document.visibilityState === "visible") stream();
    return () => {
      stopped = true;
      source?.close();
      clearTimeout(pollTimer);
      globalThis.removeEventListener("pagehide", onHide);
      globalThis.removeEventListener("pageshow", onShow);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, []);

  return (
    <div class="live-updates">
      <p class="visually-hidden" role="status" aria-live="polite">{announce}</p>
      {notice
        ? (
          <div class="flash warning live-notice" role="alert">
            <p>
              {notice === "warn" ? t("live.changed_while_editing") : t("live.page_changed")}{" "}
              <button
                type="button"
                class="button small secondary"
                onClick={() => location.reload()}
              >
                {t("live.reload")}
              </button>
            </p>
          </div>
        )
        : null}
    </div>
  );
}
