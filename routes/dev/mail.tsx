import { Hono } from "hono";
import { renderToString } from "preact-render-to-string";
import type { AppEnv } from "../../http/env.ts";
import { wantsJson } from "../../http/env.ts";
import { NotFoundError } from "../../domain/errors.ts";
import { listOutbox, type OutboxMessage } from "../../mail/outbox.ts";

const app = new Hono<AppEnv>();

/** Splits plain text into strings and links, so the links in a message can be clicked. */
function Linked(props: { text: string }) {
  const parts = props.text.split(/(https?:\/\/[^\s<>"]+)/g);
  return <>{parts.map((p, i) => i % 2 === 1 ? <a key={i} href={p}>{p}</a> : p)}</>;
}

function Mailbox(props: { messages: OutboxMessage[] }) {
  return (
    <main>
      <h1>Dev mailbox</h1>
      <p>
        The newest {props.messages.length}{" "}
        e-mails of this server. This page exists only outside production; set SMTP_URL to deliver
        mail for real.
      </p>
      {props.messages.length === 0 ? <p>No e-mail yet.</p> : null}
      {props.messages.map((m) => (
        <article key={m.id} aria-labelledby={`m-${m.id}`}>
          <h2 id={`m-${m.id}`}>{m.subject}</h2>
          <p>
            To <strong>{m.to}</strong> · <time dateTime={m.createdAt}>{m.createdAt}</time> ·{" "}
            {m.status}
            {m.lastError ? ` (${m.lastError})` : ""}
          </p>
          <pre>
            <Linked text={m.text} />
          </pre>
        </article>
      ))}
    </main>
  );
}

app.get("/dev/mail", async (c) => {
  const { config, control } = c.get("services");
  if (config.production) throw new NotFoundError("There is no page at this address.");
  const messages = await listOutbox(control, 100);
  if (wantsJson(c)) return c.json({ data: messages, next_cursor: null });
  const body = renderToString(<Mailbox messages={messages} />);
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<meta name="robots" content="noindex"><title>Dev mailbox</title></head><body>${body}</body></html>`,
  );
});

export default app;
