/**
 * @module islands/OfflineQueue
 * Makes the workspace an installable app that works offline (issue 17): registers the service
 * worker for the signed-in user (static/sw.js, docs/offline.md), says when the device is offline,
 * how many notes and photos wait to be sent ("queued, will send when online"), and "sent" once
 * the worker has sent them. When the device comes back online it asks the worker to send the
 * queue (Background Sync does the same where the browser has it). Without JavaScript, or without
 * service workers, the app works online as always and this shows nothing.
 */
import { useEffect, useState } from "preact/hooks";
import { isLanguage, type Messages, translatorOf } from "../i18n/format.ts";

/** The catalogue keys this island shows (the page passes them through `messagesFor`). */
export const OFFLINE_QUEUE_MESSAGES = [
  "offline.offline",
  "offline.queued",
  "offline.note_sent",
  "offline.photo_sent",
  "offline.note_failed",
  "offline.photo_failed",
  "offline.refused",
];

const DB_NAME = "pm-offline";
const STORE = "queue";

/** How many actions of this user wait in the worker's queue (0 when it cannot be read). */
function queuedCount(userId: string): Promise<number> {
  return new Promise((resolve) => {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: "key" });
    open.onerror = () => resolve(0);
    open.onsuccess = () => {
      const db = open.result;
      const all = db.transaction(STORE, "readonly").objectStore(STORE).getAll();
      all.onsuccess = () => {
        resolve((all.result as Array<{ user: string }>).filter((i) => i.user === userId).length);
        db.close();
      };
      all.onerror = () => {
        resolve(0);
        db.close();
      };
    };
  });
}

function askToSend(): void {
  navigator.serviceWorker?.ready.then((r) => r.active?.postMessage({ type: "flush" }))
    .catch(() => {});
}

/**
 * `language` also goes to the service worker (`?lang=`), which words its own "queued" page with
 * it; `messages` are OFFLINE_QUEUE_MESSAGES in that language (the keys show without them).
 */
export default function OfflineQueue(
  props: { userId: string; language?: string; messages?: Messages },
) {
  const language = isLanguage(props.language) ? props.language : "en";
  const t = translatorOf(language, props.messages ?? {});
  const [online, setOnline] = useState(true);
  const [waiting, setWaiting] = useState(0);
  const [note, setNote] = useState("");

  useEffect(() => {
    if (!("serviceWorker" in navigator)) return;
    const refresh = () => queuedCount(props.userId).then(setWaiting);
    navigator.serviceWorker
      .register(`/sw.js?user=${encodeURIComponent(props.userId)}&lang=${language}`, {
        scope: "/",
      })
      .catch(() => {});
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { type?: string; kind?: string; message?: string };
      const what = data.kind === "photo" ? "photo" : "note";
      if (data.type === "sent") setNote(t(`offline.${what}_sent`));
      else if (data.type === "failed") {
        const reason = data.message || t("offline.refused");
        setNote(t(`offline.${what}_failed`, { reason }));
      } else if (data.type === "queued") setNote("");
      void refresh();
    };
    const onOnline = () => {
      setOnline(true);
      askToSend();
    };
    const onOffline = () => setOnline(false);
    setOnline(navigator.onLine);
    navigator.serviceWorker.addEventListener("message", onMessage);
    globalThis.addEventListener("online", onOnline);
    globalThis.addEventListener("offline", onOffline);
    void refresh().then(() => {
      if (navigator.onLine) askToSend();
    });
    return () => {
      navigator.serviceWorker.removeEventListener("message", onMessage);
      globalThis.removeEventListener("online", onOnline);
      globalThis.removeEventListener("offline", onOffline);
    };
  }, [props.userId, language]);

  const parts: string[] = [];
  if (!online) parts.push(t("offline.offline"));
  if (waiting > 0) parts.push(t("offline.queued", { count: waiting }));
  if (note) parts.push(note);
  return (
    <p class="offline-status" role="status" data-queued={waiting} hidden={parts.length === 0}>
      {parts.join(" ")}
    </p>
  );
}
