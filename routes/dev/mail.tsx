import { Hono } from "hono";
import { renderToString } from "preact-render-to-string";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { wantsJson } from "../../http/env.ts";
import { NotFoundError } from "../../domain/errors.ts";
import { listOutbox, type OutboxMessage } from "../../mail/outbox.ts";

const app = new Hono<AppEnv>();

/** Splits plain text into strings and links, so the links in a message can be clicked. */
function Linked(props: { text: string }) {
  const parts = props.text.split(/(https?:\/\/[^\s<>"]+)/g);
  return <>{parts.map((p, i) => i % 2 === 1 ? <a key={i} href={p}>{p}</a> : p)}</>;
}

/** Loopback addresses: 127.0.0.0/8, ::1 and IPv4-mapped 127.x. */
export function isLoopback(address: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/i.test(address);
}

/**
 * True when the request comes from this machine itself: the socket peer is a loopback address
 * and no proxy forwarded it (a proxy on the same machine would make every visitor loopback, and a
 * forwarded-for header is the client's word). TRUST_PROXY never applies here.
 */
function fromThisMachine(c: AppContext): boolean {
  const peer = c.env?.remoteAddr?.hostname ?? "";
  const forwarded = ["forwarded", "x-forwarded-for", "fly-client-ip", "x-real-ip"]
    .some((h) => c.req.header(h) !== undefined);
  return isLoopback(peer) && !forwarded;
}

function Mailbox(props: { messages: OutboxMessage[]; host: string }) {
  return (
    <main>
      <h1>Dev mailbox</h1>
      <p>
        The newest {props.messages.length} e-mails sent for {props.host}{" "}
        (each workspace's host shows only its own mail). This page exists only with DEV_MAILBOX=1,
        outside production and for this machine; set SMTP_URL to deliver mail for real.
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
          {m.attachments.length ? <p>Attached: {m.attachments.join(", ")}</p> : null}
        </article>
      ))}
    </main>
  );
}

app.get("/dev/mail", async (c) => {
  const { config, control } = c.get("services");
  if (!config.DEV_MAILBOX || config.production || !fromThisMachine(c)) {
    throw new NotFoundError("There is no page at this address.");
  }
  const tenant = c.get("tenant");
  const messages = await listOutbox(control, 100, { tenantId: tenant?.id ?? null });
  if (wantsJson(c)) return c.json({ data: messages, next_cursor: null });
  const host = tenant ? tenant.slug : "the bare domain";
  const body = renderToString(<Mailbox messages={messages} host={host} />);
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<meta name="robots" content="noindex"><title>Dev mailbox</title></head><body>${body}</body></html>`,
  );
});

export default app;
