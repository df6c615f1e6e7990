/**
 * @module islands/ExportProgress
 * The progress of a workspace export on Settings → Your data: asks the API every two seconds and
 * reloads the page once the export is ready (its Download button appears) or failed. Without
 * JavaScript the page shows the progress as it was when loaded, and a Refresh link.
 */
import { useEffect, useState } from "preact/hooks";

export interface ExportProgressProps {
  id: string;
  done: number;
  total: number;
}

export default function ExportProgress(props: ExportProgressProps) {
  const [progress, setProgress] = useState({ done: props.done, total: props.total });
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
        aria-label="Export progress"
      />{" "}
      <span aria-live="polite">
        {progress.total
          ? `Making: ${progress.done} of ${progress.total} parts`
          : "Waiting to start"}
      </span>
    </span>
  );
}
