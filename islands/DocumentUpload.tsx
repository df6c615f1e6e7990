/**
 * @module islands/DocumentUpload
 * Drag-and-drop upload of several files with a progress bar each. Each file is its own
 * `POST /api/v1/documents` (XMLHttpRequest, for upload progress) with the session's CSRF token;
 * the answer (queued, duplicate, or the error's message) shows beside the file. Without
 * JavaScript the plain multipart form around it still works.
 */
import { useState } from "preact/hooks";

interface Item {
  name: string;
  progress: number;
  state: "uploading" | "done" | "duplicate" | "error";
  message?: string;
  id?: string;
}

export default function DocumentUpload(props: { csrf: string; maxMb: number }) {
  const [items, setItems] = useState<Item[]>([]);
  const [over, setOver] = useState(false);

  const update = (index: number, patch: Partial<Item>) =>
    setItems((all) => all.map((it, i) => (i === index ? { ...it, ...patch } : it)));

  const send = (files: FileList | null) => {
    if (!files?.length) return;
    const start = items.length;
    const list = Array.from(files);
    setItems((all) => [
      ...all,
      ...list.map((f) => ({ name: f.name, progress: 0, state: "uploading" as const })),
    ]);
    list.forEach((file, k) => {
      const index = start + k;
      const form = new FormData();
      form.append("file", file);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/v1/documents");
      xhr.setRequestHeader("X-CSRF-Token", props.csrf);
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) update(index, { progress: Math.round(e.loaded / e.total * 100) });
      };
      xhr.onload = () => {
        let body: { id?: string; duplicate?: boolean; error?: { message?: string } } = {};
        try {
          body = JSON.parse(xhr.responseText);
        } catch { /* not JSON */ }
        if (xhr.status === 202 || xhr.status === 200) {
          update(index, {
            progress: 100,
            state: body.duplicate ? "duplicate" : "done",
            id: body.id,
            message: body.duplicate ? "Already uploaded" : "Queued for reading",
          });
        } else {
          update(index, {
            state: "error",
            message: body.error?.message ?? `Upload failed (${xhr.status}).`,
          });
        }
      };
      xhr.onerror = () => update(index, { state: "error", message: "The upload was interrupted." });
      xhr.send(form);
    });
  };

  return (
    <div>
      <label
        class={over ? "drop-zone over" : "drop-zone"}
        onDragOver={(e) => (e.preventDefault(), setOver(true))}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          send(e.dataTransfer?.files ?? null);
        }}
      >
        <span>
          Drop PDFs, scans (PNG, JPEG), text or CSV files here, or choose files. Up to {props.maxMb}
          {" "}
          MB each.
        </span>
        <input
          type="file"
          name="file"
          multiple
          accept=".pdf,.png,.jpg,.jpeg,.txt,.csv"
          data-upload-input
          onChange={(e) => send((e.target as HTMLInputElement).files)}
        />
      </label>
      <ul class="upload-list" aria-live="polite">
        {items.map((it, i) => (
          <li key={i} data-upload-state={it.state}>
            <span>{it.name}</span>
            <progress max={100} value={it.progress} aria-label={`Upload of ${it.name}`} />
            {it.id && it.state !== "error"
              ? <a href={`/documents/${it.id}`}>{it.message}</a>
              : <span class={it.state === "error" ? "error" : "muted"}>{it.message ?? ""}</span>}
          </li>
        ))}
      </ul>
      {items.length > 0 && items.every((it) => it.state !== "uploading")
        ? (
          <p>
            <a href="/documents">Refresh the list</a>
          </p>
        )
        : null}
    </div>
  );
}
