/**
 * @module islands/ApiConsole
 * Try the API from its reference page as the signed-in user: pick a method and path, edit a
 * JSON body, send, and read the status and response. Calls go through the session cookie with
 * the page's CSRF token, so they obey the same roles as everything else.
 */
import { useState } from "preact/hooks";

export default function ApiConsole(props: { csrf: string; path: string }) {
  const [method, setMethod] = useState("GET");
  const [path, setPath] = useState(props.path);
  const [body, setBody] = useState("");
  const [result, setResult] = useState<{ status: number; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (e: Event) => {
    e.preventDefault();
    if (!path.startsWith("/api/")) {
      setResult({ status: 0, text: "The path must start with /api/." });
      return;
    }
    setBusy(true);
    try {
      const res = await fetch(path, {
        method,
        credentials: "same-origin",
        headers: {
          "x-csrf-token": props.csrf,
          ...(method === "GET" || method === "DELETE"
            ? {}
            : { "content-type": "application/json" }),
        },
        body: method === "GET" || method === "DELETE" ? undefined : body || "{}",
      });
      const text = await res.text();
      let pretty = text;
      try {
        pretty = JSON.stringify(JSON.parse(text), null, 2);
      } catch { /* not JSON */ }
      setResult({ status: res.status, text: pretty });
    } catch (err) {
      setResult({ status: 0, text: String(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="api-console" onSubmit={send}>
      <div class="row-form">
        <label for="api-method" class="visually-hidden">Method</label>
        <select id="api-method" value={method} onChange={(e) => setMethod(e.currentTarget.value)}>
          {["GET", "POST", "PATCH", "DELETE"].map((m) => <option key={m} value={m}>{m}</option>)}
        </select>
        <label for="api-path" class="visually-hidden">Path</label>
        <input id="api-path" value={path} onInput={(e) => setPath(e.currentTarget.value)} />
        <button class="button primary" type="submit" disabled={busy}>Send</button>
      </div>
      {method === "POST" || method === "PATCH"
        ? (
          <div class="field">
            <label for="api-body">JSON body</label>
            <textarea
              id="api-body"
              rows={6}
              value={body}
              onInput={(e) => setBody(e.currentTarget.value)}
            />
          </div>
        )
        : null}
      {result
        ? (
          <div class="api-result" aria-live="polite">
            <p>
              Status <strong data-api-status>{result.status}</strong>
            </p>
            <pre>{result.text}</pre>
          </div>
        )
        : <noscript>Without JavaScript, call the API with curl and a token.</noscript>}
    </form>
  );
}
