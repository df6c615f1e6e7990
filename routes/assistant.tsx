/**
 * @module routes/assistant
 * The assistant page: ask about your own business in plain words and get answers with links to
 * the records used; conversations are kept per user. Plain forms: it works without JavaScript.
 */
import { Hono } from "hono";
import { type AppContext, type AppEnv, principalOf, tenantOf } from "../http/env.ts";
import { memberPage } from "../http/guards.ts";
import { renderApp } from "../http/page.tsx";
import { isId } from "../db/ids.ts";
import { Island } from "../framework/island.tsx";
import AssistantChat, { ASSISTANT_CHAT_MESSAGES } from "../islands/AssistantChat.tsx";
import { languageOf, tOf } from "../i18n/middleware.ts";
import { messagesFor, type Translate } from "../i18n/mod.ts";
import {
  conversationMessages,
  listConversations,
  MessageSchema,
} from "../assistant/conversations.ts";
import { issuesByField } from "../domain/records/schema.ts";
import { askForTenant } from "../assistant/metered.ts";
import { type Decision, mayAskAssistant } from "../billing/entitlements.ts";
import { BILLING_PATH } from "../billing/errors.ts";
import { can } from "../auth/roles.ts";
import { exampleQuestions } from "../assistant/examples.ts";
import { CsrfInput } from "../components/Form.tsx";
import { planRefusalText } from "../components/BillingOverview.tsx";
import { requireFeature } from "../customization/middleware.ts";

/**
 * An example question in the reader's language, shown and sent as written: the assistant reads
 * English and Spanish (a question the workspace reworded, or one this list does not know, is
 * shown as it is).
 */
function exampleLabel(t: Translate, question: string): string {
  const fixed: Record<string, string> = {
    "Which invoices are over 60 days past due?": "assistant_example.overdue_60",
    "Margin on loads last week": "assistant_example.margin_last_week",
    "Top customers this month": "assistant_example.top_customers",
    "Whose insurance expires soon?": "assistant_example.insurance_soon",
    "List open purchase orders": "assistant_example.open_pos",
    "Receivables aging": "assistant_example.aging",
  };
  if (fixed[question]) return t(fixed[question]);
  const supplies = /^Who supplies (.+) from EST (\S+)\?$/.exec(question);
  if (supplies) {
    return t("assistant_example.who_supplies", { product: supplies[1]!, est: supplies[2]! });
  }
  const open = /^Open loads for (.+)$/.exec(question);
  if (open) return t("assistant_example.open_loads_for", { carrier: open[1]! });
  const owes = /^What does (.+) owe\?$/.exec(question);
  if (owes) return t("assistant_example.owes", { customer: owes[1]! });
  return question;
}

const app = new Hono<AppEnv>();
app.use("/assistant", memberPage(), requireFeature("assistant"));

async function page(
  c: AppContext,
  conversationId: string | null,
  error?: string,
  refusal?: Decision,
) {
  const db = tenantOf(c).db;
  const { userId, role } = principalOf(c);
  const [conversations, messages, examples] = await Promise.all([
    listConversations(db, userId),
    conversationId ? conversationMessages(db, userId, conversationId) : Promise.resolve([]),
    // In another language the examples are translated from the built-in English (the English
    // renames inside a sentence are English words; docs/languages.md).
    conversationId ? Promise.resolve([]) : exampleQuestions(
      db,
      languageOf(c) === "en" ? c.get("configuration")?.document : null,
    ),
  ]);
  const t = tOf(c);
  return renderApp(
    c,
    t("assistant_page.title"),
    <>
      <h1>{t("assistant_page.title")}</h1>
      <div class="assistant-layout">
        <section class="card assistant-chat" aria-labelledby="chat-title">
          <h2 id="chat-title">
            {conversationId ? t("assistant_page.conversation") : t("assistant_page.ask")}
          </h2>
          <ol class="chat-log" aria-live="polite">
            {messages.map((m) => (
              <li key={m.id} class={`chat-${m.role}`}>
                <p class="chat-who">
                  {m.role === "user" ? t("assistant_page.you") : t("assistant_page.title")}
                </p>
                <div class="chat-text">{m.content}</div>
                {m.citations.length
                  ? (
                    <ul class="chat-citations" aria-label={t("assistant_page.records_used")}>
                      {m.citations.map((ct) => (
                        <li key={ct.url}>
                          <a href={ct.url}>{ct.title}</a>
                        </li>
                      ))}
                    </ul>
                  )
                  : null}
              </li>
            ))}
          </ol>
          {error ? <p class="flash error" role="alert">{error}</p> : null}
          {refusal
            ? (
              <p class="flash warning" role="alert" id="assistant-refused">
                {planRefusalText(t, refusal)} {role && can(role, "billing:manage")
                  ? <a href={BILLING_PATH}>{t("assistant_page.see_plans")}</a>
                  : t("assistant_page.ask_owner")}
              </p>
            )
            : null}
          {refusal ? null : (
            <Island
              name="AssistantChat"
              component={AssistantChat}
              props={{
                csrf: c.get("csrfToken"),
                conversationId,
                language: languageOf(c),
                messages: messagesFor(languageOf(c), ASSISTANT_CHAT_MESSAGES),
              }}
            />
          )}
          {messages.length === 0 && !refusal
            ? (
              <div class="chat-examples">
                <p class="muted" id="examples-title">
                  {t("assistant_page.try_one")}
                </p>
                <ul aria-labelledby="examples-title">
                  {examples.map((e) => (
                    <li key={e}>
                      <form method="post" action="/assistant">
                        <CsrfInput token={c.get("csrfToken")} />
                        <input type="hidden" name="message" value={exampleLabel(t, e)} />
                        <button class="button link" type="submit">{exampleLabel(t, e)}</button>
                      </form>
                    </li>
                  ))}
                </ul>
              </div>
            )
            : null}
        </section>
        <nav class="card" aria-label={t("assistant_page.yours")}>
          <h2>{t("assistant_page.yours")}</h2>
          <p>
            <a href="/assistant">{t("assistant_page.new")}</a>
          </p>
          <ul>
            {conversations.map((cv) => (
              <li key={cv.id}>
                <a
                  href={`/assistant?c=${cv.id}`}
                  aria-current={cv.id === conversationId ? "page" : undefined}
                >
                  {cv.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </div>
    </>,
    // Reading past conversations is fine; only asking is refused.
    refusal && c.req.method === "POST" ? 402 : error ? 422 : 200,
  );
}

app.get("/assistant", async (c) => {
  const id = c.req.query("c");
  // Where asking would be refused (the plan, the month's tokens, read-only), say so up front.
  const allowed = await mayAskAssistant(c.get("services"), tenantOf(c).id);
  return page(c, id && isId(id) ? id : null, undefined, allowed.allowed ? undefined : allowed);
});

app.post("/assistant", async (c) => {
  const form = await c.req.parseBody();
  const parsed = MessageSchema.safeParse({
    message: typeof form.message === "string" ? form.message : "",
    ...(typeof form.conversation_id === "string" && form.conversation_id
      ? { conversation_id: form.conversation_id }
      : {}),
  });
  if (!parsed.success) {
    return page(c, null, Object.values(issuesByField(parsed.error)).flat().join(" "));
  }
  const services = c.get("services");
  const allowed = await mayAskAssistant(services, tenantOf(c).id);
  if (!allowed.allowed) {
    return page(c, parsed.data.conversation_id ?? null, undefined, allowed);
  }
  const reply = await askForTenant(
    services,
    tenantOf(c),
    principalOf(c).userId,
    parsed.data,
    undefined,
    languageOf(c),
  );
  return c.redirect(`/assistant?c=${reply.conversation_id}#chat-message`, 303);
});

export default app;
