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

export default function OfflineQueue(props: { userId: string }) {
  const [online, setOnline] = useState(true);
  const [waiting, setWaiting] = useState(0);
  const [note, setNote] = useState("");

  useEffect(() => {
    if (!("serviceWorker" in navigator)) return;
    const refresh = () => queuedCount(props.userId).then(setWaiting);
    navigator.serviceWorker
      .register(`/sw.js?user=${encodeURIComponent(props.userId)}`, { scope: "/" })
      .catch(() => {});
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { type?: string; kind?: string; message?: string };
      const what = data.kind === "photo" ? "Photo" : "Note";
      if (data.type === "sent") setNote(`${what} sent.`);
      else if (data.type === "failed") {
        setNote(`${what} could not be sent: ${data.message || "refused by the server."}`);
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
  }, [props.userId]);

  const parts: string[] = [];
  if (!online) parts.push("You are offline: pages you opened recently can still be read.");
  if (waiting > 0) {
    parts.push(
      `${waiting} ${waiting === 1 ? "change" : "changes"} queued, will send when online.`,
    );
  }
  if (note) parts.push(note);
  return (
    <p class="offline-status" role="status" data-queued={waiting} hidden={parts.length === 0}>
      {parts.join(" ")}
    </p>
  );
}
