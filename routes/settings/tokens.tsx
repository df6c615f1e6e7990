import { Hono } from "hono";
import { recordSecurityEvent } from "../../security/events.ts";
import { z } from "zod";
import type { AppContext, AppEnv, Principal } from "../../http/env.ts";
import { principalOf, tenantOf } from "../../http/env.ts";
import { memberPage, readBody } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import {
  createApiToken,
  listApiTokens,
  listWorkspaceTokens,
  revokeApiToken,
  revokeWorkspaceToken,
  type WorkspaceTokenSummary,
} from "../../auth/api_tokens.ts";
import { mayManageMember } from "../../auth/members.ts";
import { can, type Role } from "../../auth/roles.ts";
import {
  ALL_READ_SCOPES,
  roleGrants,
  SCOPE_NAMES,
  scopeGroups,
  SCOPES,
} from "../../auth/scopes.ts";
import { AllowedIpsSchema } from "../../auth/ip_allow.ts";
import { ForbiddenError } from "../../domain/errors.ts";
import { CsrfInput, Field, FormErrors } from "../../components/Form.tsx";
import { Island } from "../../framework/island.tsx";
import CopyButton from "../../islands/CopyButton.tsx";
import { SettingsNav } from "../../components/SettingsNav.tsx";
import { mayUse } from "../../billing/entitlements.ts";
import { ListTable } from "../../components/ListTable.tsx";
import { type AccessPreset, TokenScopesField } from "../../components/TokenScopesField.tsx";
import { tOf } from "../../i18n/middleware.ts";
import { planRefusalText } from "../../components/BillingOverview.tsx";
import type { Translate } from "../../i18n/mod.ts";

const app = new Hono<AppEnv>();
app.use("/settings/tokens", memberPage());
app.use("/settings/tokens/*", memberPage());

/** The expiries the form offers, in days ("" is a token that lives until revoked). */
const EXPIRY_CHOICES: Array<[string, string]> = [
  ["90", "tokens.in_90"],
  ["30", "tokens.in_30"],
  ["365", "tokens.in_year"],
  ["", "tokens.never_revoked"],
];
/** A form field sent once, many times, or not at all, as a list. */
const many = (value: unknown) => value === undefined ? [] : [value].flat();
const TokenFormSchema = z.object({
  name: z.string().trim().min(1, "Name the token.").max(80),
  expires_in_days: z.enum(["", "30", "90", "365"]).default("")
    .transform((v) => (v ? Number(v) : null)),
  access: z.enum(["chosen", "read_all", "full"]).default("read_all"),
  scopes: z.preprocess(many, z.array(z.enum(SCOPE_NAMES, "Choose scopes from the list."))),
  read_group: z.preprocess(many, z.array(z.string().max(40))),
  allowed_ips: z.string().max(2000).default("")
    .transform((text) => text.split(/[\s,]+/).filter(Boolean)).pipe(AllowedIpsSchema),
});
type TokenForm = z.infer<typeof TokenFormSchema>;

/**
 * The scopes a submitted form gives, or a message when it gives none the role may have. "Read
 * everything" adds the ticked boxes to every read, so a box ticked under it is never ignored.
 */
function chosenScopes(
  form: TokenForm,
  role: Role,
  t: Translate,
): string[] | null | { error: string } {
  if (form.access === "full") return null;
  const fromGroups = SCOPES.filter((s) =>
    form.read_group.includes(s.group) && s.name.endsWith(":read") && roleGrants(role, s.name)
  ).map((s) => s.name);
  const ticked = [...new Set([...form.scopes, ...fromGroups])];
  const beyond = ticked.filter((s) => !roleGrants(role, s));
  if (beyond.length) {
    return {
      error: t("tokens.role_beyond", { role: t(`role.${role}`), scopes: beyond.join(", ") }),
    };
  }
  const scopes = form.access === "read_all"
    ? [...new Set([...ALL_READ_SCOPES.filter((s) => roleGrants(role, s)), ...ticked])]
    : ticked;
  if (!scopes.length) {
    return { error: t("tokens.tick_one") };
  }
  return scopes;
}

/** "Full access", "Read everything" (all the role may read), or the scopes themselves. */
function accessText(scopes: string[] | null, role: Role | null, t: Translate): string {
  if (scopes === null) return t("tokens.full_access");
  const readable = ALL_READ_SCOPES.filter((s) => roleGrants(role, s));
  if (readable.every((s) => scopes.includes(s))) {
    const more = scopes.filter((s) => !readable.includes(s));
    return more.length
      ? t("tokens.read_everything_and", { more: more.join(", ") })
      : t("tokens.read_everything");
  }
  return scopes.join(", ");
}

interface FormState {
  access: AccessPreset;
  checked: readonly string[];
  allowedIps: string;
  errors: { scopes?: string; allowed_ips?: string };
}
const EMPTY_FORM: FormState = { access: "read_all", checked: [], allowedIps: "", errors: {} };

/** "2026-12-31", "expired 2026-11-01", or "never". */
function expiryText(
  expiresAt: string | null,
  t: Translate,
  now = new Date().toISOString(),
): string {
  if (!expiresAt) return t("common.never");
  return expiresAt <= now
    ? t("tokens.expired", { date: expiresAt.slice(0, 10) })
    : expiresAt.slice(0, 10);
}

/**
 * "Tokens of all members", for those who manage members: every live token of the workspace with
 * its member, and a Revoke button on each the viewer may revoke (an admin not an owner's).
 */
function MemberTokens(props: {
  tokens: WorkspaceTokenSummary[];
  auth: Principal;
  csrf: string;
  t: Translate;
}) {
  const { tokens, auth, csrf, t } = props;
  return (
    <section class="card" id="member-tokens">
      <h2>{t("tokens.all_members")}</h2>
      <p class="muted">{t("tokens.all_members_intro")}</p>
      <ListTable
        caption={t("tokens.all_members")}
        columns={[
          t("tokens.member"),
          t("common.name"),
          t("tokens.starts_with"),
          t("common.created"),
          t("tokens.last_used"),
          t("common.expires"),
          t("tokens.access"),
          t("security.from"),
          null,
        ]}
        empty={t("tokens.all_members_none")}
        rows={tokens.map((token) => (
          <tr key={token.id}>
            <td>
              {token.user.name} <span class="muted">&lt;{token.user.email}&gt;</span>
            </td>
            <td>{token.name}</td>
            <td>
              <code>{token.prefix}…</code>
            </td>
            <td>{token.created_at.slice(0, 10)}</td>
            <td>
              {token.last_used_at
                ? token.last_used_at.slice(0, 16).replace("T", " ")
                : t("common.never")}
            </td>
            <td>{expiryText(token.expires_at, t)}</td>
            <td class="token-access">{accessText(token.scopes, token.user.role, t)}</td>
            <td>
              {token.allowed_ips.length ? token.allowed_ips.join(", ") : t("tokens.anywhere")}
            </td>
            <td>
              {token.user.id === auth.userId ||
                  mayManageMember(auth.role, token.user.role ?? "viewer")
                ? (
                  <form method="post" action={`/settings/tokens/members/${token.id}/revoke`}>
                    <CsrfInput token={csrf} />
                    <button
                      class="button danger small"
                      type="submit"
                      aria-label={t("tokens.revoke_member_named", {
                        name: token.name,
                        member: token.user.email,
                      })}
                    >
                      {t("common.revoke")}
                    </button>
                  </form>
                )
                : <span class="muted">{t("tokens.owner_revokes")}</span>}
            </td>
          </tr>
        ))}
      />
    </section>
  );
}

async function showTokens(
  c: AppContext,
  extra: { newToken?: string; error?: string; form?: FormState } = {},
  status = 200,
) {
  const form = extra.form ?? EMPTY_FORM;
  const auth = principalOf(c);
  const tokens = await listApiTokens(c.get("services").control, tenantOf(c).id, auth.userId);
  // Only those who manage members see everyone's tokens (the API answers 403 to the others).
  const memberTokens = auth.role && can(auth.role, "members:manage")
    ? await listWorkspaceTokens(c.get("services").control, tenantOf(c).id)
    : null;
  const csrf = c.get("csrfToken");
  const host = new URL(c.req.url).host;
  const t = tOf(c);
  return renderApp(
    c,
    t("tokens.title"),
    <>
      <h1>{t("settings.title")}</h1>
      <SettingsNav current="/settings/tokens" role={auth.role} />
      <section class="card">
        <h2>{t("tokens.title")}</h2>
        <p class="muted">
          {t("tokens.intro_before")} <code>Authorization: Bearer &lt;token&gt;</code>
          {t("tokens.intro_after")} <a href="/api/docs">{t("tokens.api_reference")}</a>.
        </p>
        {extra.newToken
          ? (
            <div class="flash success" role="status">
              <p>
                <strong>{t("tokens.copy_now")}</strong> {t("tokens.not_again")}
              </p>
              <p>
                <code class="token" id="new-token">{extra.newToken}</code>{" "}
                <Island
                  name="CopyButton"
                  component={CopyButton}
                  props={{
                    text: extra.newToken,
                    words: {
                      copy: t("copy.copy"),
                      copied: t("copy.copied"),
                      failed: t("copy.failed"),
                    },
                  }}
                />
              </p>
              <p class="muted">
                {t("tokens.try_it")}{" "}
                <code>
                  curl -H "Authorization: Bearer {extra.newToken}" {`http://${host}/api/v1/me`}
                </code>
              </p>
            </div>
          )
          : null}
        <FormErrors message={extra.error} />
        {!auth.role || !can(auth.role, "tokens:own")
          ? (
            <p class="muted" id="tokens-not-for-role">
              {t("tokens.not_for_role", {
                role: auth.role ? t(`role.${auth.role}`) : t("tokens.no_role"),
              })}
            </p>
          )
          : c.get("billing")?.entitlements.apiAccess === false
          ? (
            <p class="flash warning" id="api-not-in-plan">
              {t("tokens.not_in_plan")} <a href="/settings/billing">{t("tokens.see_plans")}</a>
            </p>
          )
          : (
            <form method="post" action="/settings/tokens" class="record-form token-form">
              <CsrfInput token={csrf} />
              <Field
                label={t("tokens.name")}
                name="name"
                required
                hint={t("tokens.name_hint")}
              />
              <div class="field">
                <label for="token-expires">{t("common.expires")}</label>
                <select id="token-expires" name="expires_in_days">
                  {EXPIRY_CHOICES.map(([value, label]) => (
                    <option key={value} value={value}>{t(label)}</option>
                  ))}
                </select>
              </div>
              <TokenScopesField
                groups={scopeGroups(auth.role)}
                access={form.access}
                checked={form.checked}
                allowedIps={form.allowedIps}
                errors={form.errors}
              />
              <button class="button primary" type="submit">{t("tokens.create")}</button>
            </form>
          )}
        <ListTable
          caption={t("tokens.yours")}
          columns={[
            t("common.name"),
            t("tokens.starts_with"),
            t("common.created"),
            t("tokens.last_used"),
            t("common.expires"),
            t("tokens.access"),
            t("security.from"),
            null,
          ]}
          empty={t("tokens.none_yet")}
          rows={tokens.map((token) => (
            <tr key={token.id}>
              <td>{token.name}</td>
              <td>
                <code>{token.prefix}…</code>
              </td>
              <td>{token.created_at.slice(0, 10)}</td>
              <td>
                {token.last_used_at
                  ? token.last_used_at.slice(0, 16).replace("T", " ")
                  : t("common.never")}
              </td>
              <td>{expiryText(token.expires_at, t)}</td>
              <td class="token-access">{accessText(token.scopes, auth.role, t)}</td>
              <td>
                {token.allowed_ips.length ? token.allowed_ips.join(", ") : t("tokens.anywhere")}
              </td>
              <td>
                <form method="post" action={`/settings/tokens/${token.id}/revoke`}>
                  <CsrfInput token={csrf} />
                  <button
                    class="button danger small"
                    type="submit"
                    aria-label={t("tokens.revoke_named", { name: token.name })}
                  >
                    {t("common.revoke")}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        />
      </section>
      {memberTokens ? <MemberTokens tokens={memberTokens} auth={auth} csrf={csrf} t={t} /> : null}
    </>,
    status,
  );
}

app.get("/settings/tokens", (c) => showTokens(c));

app.post("/settings/tokens", async (c) => {
  const auth = principalOf(c);
  if (!auth.role || !can(auth.role, "tokens:own")) throw new ForbiddenError();
  const api = await mayUse(c.get("services"), tenantOf(c).id, "apiAccess");
  if (!api.allowed) return showTokens(c, { error: planRefusalText(tOf(c), api) }, 402);
  const raw = await readBody(c);
  const all = await c.req.parseBody({ all: true }); // the scope boxes repeat one name
  const parsed = TokenFormSchema.safeParse({
    ...raw,
    scopes: all.scopes,
    read_group: all.read_group,
  });
  const state: FormState = {
    access: (["chosen", "read_all", "full"] as const).find((a) => a === raw.access) ?? "read_all",
    checked: many(all.scopes).map(String),
    allowedIps: typeof raw.allowed_ips === "string" ? raw.allowed_ips : "",
    errors: {},
  };
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (field === "scopes" || field === "allowed_ips") state.errors[field] ??= issue.message;
    }
    const message = state.errors.allowed_ips || state.errors.scopes
      ? tOf(c)("tokens.needs_attention")
      : tOf(c)("tokens.name_and_expiry");
    return showTokens(c, { error: message, form: state }, 422);
  }
  const scopes = chosenScopes(parsed.data, auth.role, tOf(c));
  if (scopes && "error" in scopes) {
    state.errors.scopes = scopes.error;
    return showTokens(c, {
      error: tOf(c)("tokens.needs_attention"),
      form: state,
    }, 422);
  }
  const created = await createApiToken(
    c.get("services").control,
    tenantOf(c).id,
    auth.userId,
    parsed.data.name,
    parsed.data.expires_in_days,
    new Date(),
    { scopes, allowedIps: parsed.data.allowed_ips },
  );
  await recordSecurityEvent(c, {
    action: "token.created",
    target: created.summary.name,
    details: { token_id: created.summary.id },
  });
  return showTokens(c, { newToken: created.token }, 201);
});

app.post("/settings/tokens/:id/revoke", async (c) => {
  await revokeApiToken(
    c.get("services"),
    tenantOf(c).id,
    principalOf(c).userId,
    c.req.param("id"),
  );
  await recordSecurityEvent(c, {
    action: "token.revoked",
    details: { token_id: c.req.param("id") },
  });
  return c.redirect("/settings/tokens", 303);
});

// An owner or admin revokes any member's token (auth/api_tokens.ts revokeWorkspaceToken).
app.post("/settings/tokens/members/:id/revoke", async (c) => {
  const auth = principalOf(c);
  const token = await revokeWorkspaceToken(
    c.get("services"),
    tenantOf(c).id,
    { userId: auth.userId, role: auth.role },
    c.req.param("id"),
  );
  // As routes/api/v1/workspace_tokens.ts: the actor revoked it, the details say whose it was.
  await recordSecurityEvent(c, {
    action: "token.revoked",
    target: token.name,
    details: {
      token_id: token.id,
      token_owner_user_id: token.user.id,
      token_owner_email: token.user.email,
      by: "workspace_manager",
    },
  });
  return c.redirect("/settings/tokens#member-tokens", 303);
});

export default app;
