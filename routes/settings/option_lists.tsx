/**
 * @module routes/settings/option_lists
 * Settings → Option lists: an admin edits each list as one value per line. Removing a value
 * retires it (records keep it); everyone else sees the lists read-only.
 */
import { tOf } from "../../i18n/middleware.ts";
import { Hono } from "hono";
import { recordSecurityEvent } from "../../security/events.ts";
import { type AppContext, type AppEnv, principalOf, tenantOf } from "../../http/env.ts";
import { memberPage } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { can } from "../../auth/roles.ts";
import { ForbiddenError } from "../../domain/errors.ts";
import { CsrfInput } from "../../components/Form.tsx";
import { SettingsNav } from "../../components/SettingsNav.tsx";
import {
  listOptionLists,
  OptionListInputSchema,
  replaceOptionList,
} from "../../domain/option_values.ts";
import { issuesByField } from "../../domain/records/schema.ts";

const app = new Hono<AppEnv>();
app.use("/settings/option-lists", memberPage());
app.use("/settings/option-lists/*", memberPage());

function mayEdit(c: AppContext): boolean {
  const role = principalOf(c).role;
  return Boolean(role && can(role, "settings:manage"));
}

async function page(c: AppContext, flash?: { list: string; text: string; error?: boolean }) {
  const lists = await listOptionLists(tenantOf(c).db);
  const editable = mayEdit(c);
  const t = tOf(c);
  // A built-in list's name in the reader's language (every list is built in today).
  const named = (list: { key: string; label: string }) => {
    const key = `option_list.${list.key}`;
    const text = t(key);
    return text === key ? list.label : text;
  };
  return renderApp(
    c,
    t("option_lists.title"),
    <>
      <h1>{t("settings.title")}</h1>
      <SettingsNav current="/settings/option-lists" role={principalOf(c).role} />
      <p class="muted">
        {t("option_lists.intro")}
        {editable ? "" : ` ${t("option_lists.read_only")}`}
      </p>
      <div class="detail-grid">
        {lists.map((list) => (
          <section class="card" key={list.key} id={`list-${list.key}`}>
            <h2>{named(list)}</h2>
            {flash?.list === list.key
              ? (
                <p class={flash.error ? "flash error" : "flash success"} role="status">
                  {flash.text}
                </p>
              )
              : null}
            {editable
              ? (
                <form method="post" action={`/settings/option-lists/${list.key}`}>
                  <CsrfInput token={c.get("csrfToken")} />
                  <div class="field">
                    <label for={`values-${list.key}`}>{t("option_lists.one_per_line")}</label>
                    <textarea
                      id={`values-${list.key}`}
                      name="values"
                      rows={Math.min(12, list.values.length + 2)}
                    >
                      {list.values.join("\n")}
                    </textarea>
                  </div>
                  <button class="button small primary" type="submit">
                    {t("option_lists.save", { list: named(list).toLowerCase() })}
                  </button>
                </form>
              )
              : <ul>{list.values.map((v) => <li key={v}>{v}</li>)}</ul>}
          </section>
        ))}
      </div>
    </>,
    flash?.error ? 422 : 200,
  );
}

app.get("/settings/option-lists", (c) => page(c));

app.post("/settings/option-lists/:list", async (c) => {
  if (!mayEdit(c)) throw new ForbiddenError("Only an owner or admin can change option lists.");
  const form = await c.req.parseBody();
  const text = typeof form.values === "string" ? form.values : "";
  const values = text.split(/\r?\n/).map((v) => v.trim()).filter(Boolean);
  const parsed = OptionListInputSchema.safeParse({ values });
  const key = c.req.param("list");
  if (!parsed.success) {
    const messages = Object.values(issuesByField(parsed.error)).flat();
    return page(c, { list: key, text: messages.join(" "), error: true });
  }
  await replaceOptionList(
    tenantOf(c).db,
    key,
    parsed.data.values,
    principalOf(c).userId,
    c.get("services").clock,
  );
  await recordSecurityEvent(c, {
    action: "settings.option_list_changed",
    target: key,
    details: { values: parsed.data.values },
  });
  return page(c, { list: key, text: tOf(c)("option_lists.saved") });
});

export default app;
