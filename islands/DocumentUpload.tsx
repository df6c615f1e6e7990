/**
 * @module islands/DocumentUpload
 * Drag-and-drop upload of several files with a progress bar each. Each file is its own
 * `POST /api/v1/documents` (XMLHttpRequest, for upload progress) with the session's CSRF token;
 * the answer (queued, duplicate, or the error's message) shows beside the file. Without
 * JavaScript the plain multipart form around it still works.
 */
import { useState } from "preact/hooks";
import { type Language, type Messages, translatorOf } from "../i18n/format.ts";

/** The messages the island shows (a page passes `messagesFor(language, DOCUMENT_UPLOAD_MESSAGES)`). */
export const DOCUMENT_UPLOAD_MESSAGES = [
  "upload.already",
  "upload.queued",
  "upload.failed",
  "upload.interrupted",
  "upload.drop",
  "upload.of",
  "upload.refresh",
] as const;

/** The island's English, when a page hands it no messages. */
const ENGLISH: Messages = {
  "upload.already": "Already uploaded",
  "upload.queued": "Queued for reading",
  "upload.failed": "Upload failed ({status}).",
  "upload.interrupted": "The upload was interrupted.",
  "upload.drop":
    "Drop PDFs, scans (PNG, JPEG), text or CSV files here, or choose files. Up to {mb} MB each.",
  "upload.of": "Upload of {name}",
  "upload.refresh": "Refresh the list",
};

interface Item {
  name: string;
  progress: number;
  state: "uploading" | "done" | "duplicate" | "error";
  message?: string;
  id?: string;
}

export default function DocumentUpload(
  props: { csrf: string; maxMb: number; language?: Language; messages?: Messages },
) {
  const t = translatorOf(props.language ?? "en", props.messages ?? ENGLISH);
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
            message: body.duplicate ? t("upload.already") : t("upload.queued"),
          });
        } else {
          update(index, {
            state: "error",
            message: body.error?.message ?? t("upload.failed", { status: xhr.status }),
          });
        }
      };
      xhr.onerror = () => update(index, { state: "error", message: t("upload.interrupted") });
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
          {t("upload.drop", { mb: props.maxMb })}
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
            <progress
              max={100}
              value={it.progress}
              aria-label={t("upload.of", { name: it.name })}
            />
            {it.id && it.state !== "error"
              ? <a href={`/documents/${it.id}`}>{it.message}</a>
              : <span class={it.state === "error" ? "error" : "muted"}>{it.message ?? ""}</span>}
          </li>
        ))}
      </ul>
      {items.length > 0 && items.every((it) => it.state !== "uploading")
        ? (
          <p>
            <a href="/documents">{t("upload.refresh")}</a>
          </p>
        )
        : null}
    </div>
  );
}
