/**
 * @module islands/ExportProgress
 * The progress of a workspace export on Settings → Your data: asks the API every two seconds and
 * reloads the page once the export is ready (its Download button appears) or failed. Without
 * JavaScript the page shows the progress as it was when loaded, and a Refresh link.
 */
import { useEffect, useState } from "preact/hooks";
import { type Language, type Messages, translatorOf } from "../i18n/format.ts";

/** The messages the island shows (pass them with `messagesFor(language, EXPORT_PROGRESS_MESSAGES)`). */
export const EXPORT_PROGRESS_MESSAGES = [
  "export_progress.label",
  "export_progress.making",
  "export_progress.waiting",
] as const;

export interface ExportProgressProps {
  id: string;
  done: number;
  total: number;
  language?: Language;
  messages?: Messages;
}

/** The island's English, when a page hands it no messages. */
const ENGLISH: Messages = {
  "export_progress.label": "Export progress",
  "export_progress.making": "Making: {done} of {total} parts",
  "export_progress.waiting": "Waiting to start",
};

export default function ExportProgress(props: ExportProgressProps) {
  const [progress, setProgress] = useState({ done: props.done, total: props.total });
  const t = translatorOf(props.language ?? "en", props.messages ?? ENGLISH);
  useEffect(() => {
    const timer = setInterval(async () => {
      try {
        const res = await fetch(`/api/v1/exports/${props.id}`, {
          headers: { accept: "application/json" },
        });
        if (!res.ok) return;
        const body = await res.json();
        if (body.status !== "queued" && body.status !== "running") {
          clearInterval(timer);
          location.reload();
          return;
        }
        setProgress({ done: body.progress.done, total: body.progress.total });
      } catch {
        // A lost connection: try again at the next tick.
      }
    }, 2000);
    return () => clearInterval(timer);
  }, [props.id]);
  return (
    <span>
      <progress
        max={Math.max(progress.total, 1)}
        value={progress.done}
        aria-label={t("export_progress.label")}
      />{" "}
      <span aria-live="polite">
        {progress.total
          ? t("export_progress.making", { done: progress.done, total: progress.total })
          : t("export_progress.waiting")}
      </span>
    </span>
  );
}
