/**
 * @module islands/NotificationBell
 * The bell in the top bar: a link to the notifications page that shows how many are unread. The
 * count is asked for when the page loads, again when live updates report a change (a change often
 * brings a notification), and every minute. Without JavaScript it is the plain link.
 */
import { useEffect, useState } from "preact/hooks";
import { isLanguage, type Messages, translatorOf } from "../i18n/format.ts";

const EVERY_MS = 60_000;

/** `language` and the bell's `messages` (i18n/mod.ts `messagesFor`); English text without them. */
export default function NotificationBell(
  props: { language?: string; messages?: Messages },
) {
  const t = translatorOf(isLanguage(props.language) ? props.language : "en", props.messages ?? {});
  const [unread, setUnread] = useState<number | null>(null);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let soon: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      clearTimeout(timer);
      try {
        const res = await fetch("/api/v1/notifications?limit=1", {
          headers: { accept: "application/json" },
        });
        if (res.ok) setUnread((await res.json() as { unread: number }).unread);
      } catch { /* offline: keep the last count */ }
      timer = setTimeout(load, EVERY_MS);
    };
    // Notifications are written just after the change that raised them: ask a moment later.
    const onLive = () => {
      clearTimeout(soon);
      soon = setTimeout(load, 700);
    };
    void load();
    globalThis.addEventListener("pm:live", onLive);
    return () => {
      clearTimeout(timer);
      clearTimeout(soon);
      globalThis.removeEventListener("pm:live", onLive);
    };
  }, []);

  const label = props.messages
    ? (unread ? t("bell.unread", { count: unread }) : t("bell.notifications"))
    : (unread ? `Notifications, ${unread} unread` : "Notifications");
  return (
    <a
      class="notification-bell"
      href="/notifications"
      aria-label={label}
      data-unread={unread ?? ""}
    >
      <svg
        aria-hidden="true"
        viewBox="0 0 24 24"
        width="20"
        height="20"
        fill="none"
        stroke="currentColor"
        stroke-width="2"
      >
        <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
        <path d="M13.7 21a2 2 0 0 1-3.4 0" />
      </svg>
      {unread ? <span class="bell-count">{unread > 99 ? "99+" : unread}</span> : null}
    </a>
  );
}
