import { Hono } from "hono";
import { recordSecurityEvent } from "../../security/events.ts";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { principalOf, tenantOf } from "../../http/env.ts";
import { memberPage, readBody } from "../../http/guards.ts";
import { flashParams, flashText } from "../../http/flash.ts";
import { renderApp } from "../../http/page.tsx";
import {
  createInvitation,
  InvitationSchema,
  listInvitations,
  revokeInvitation,
} from "../../auth/invitations.ts";
import {
  assignableRoles,
  changeMemberRole,
  listMembers,
  mayManageMember,
  removeMember,
  RoleChangeSchema,
} from "../../auth/members.ts";
import { can, INVITABLE_ROLES } from "../../auth/roles.ts";
import { AppError, fieldErrors } from "../../domain/errors.ts";
import { requestOrigin } from "../../mail/links.ts";
import { CsrfInput, Field, FormErrors } from "../../components/Form.tsx";
import { SettingsNav } from "../../components/SettingsNav.tsx";
import { tOf } from "../../i18n/middleware.ts";
import { mayUse } from "../../billing/entitlements.ts";
import * as fmt from "../../domain/format.ts";
import { ListTable } from "../../components/ListTable.tsx";
import { secondFactorPolicyCard } from "./_second_factor_policy_card.tsx";

const app = new Hono<AppEnv>();
app.use("/settings/members", memberPage());
app.use("/settings/members/*", memberPage());

async function showMembers(
  c: AppContext,
  extra: { error?: string; inviteError?: string; notice?: string; email?: string } = {},
  status = 200,
) {
  const tenant = tenantOf(c);
  const auth = principalOf(c);
  const control = c.get("services").control;
  const manage = auth.role !== null && can(auth.role, "members:manage");
  const members = await listMembers(control, tenant.id);
  const invitations = manage ? await listInvitations(control, tenant.id) : [];
  const seats = manage ? await mayUse(c.get("services"), tenant.id, "seats") : null;
  const csrf = c.get("csrfToken");
  const policyCard = await secondFactorPolicyCard(c);
  const t = tOf(c);
  const role = (r: string) => t(`role.${r}`);
  return renderApp(
    c,
    t("members.title"),
    <>
      <h1>{t("settings.title")}</h1>
      <SettingsNav current="/settings/members" role={auth.role} />
      {extra.notice ? <p class="flash success" role="status">{extra.notice}</p> : null}
      <FormErrors message={extra.error} />
      <section class="card">
        <h2>{t("members.title")}</h2>
        <div class="table-wrap">
          <table class="stack members">
            <caption>{t("members.caption", { workspace: tenant.name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("common.name")}</th>
                <th scope="col">{t("common.email")}</th>
                <th scope="col">{t("common.role")}</th>
                {manage
                  ? (
                    <th scope="col">
                      <span class="visually-hidden">{t("common.actions")}</span>
                    </th>
                  )
                  : null}
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.user_id}>
                  <td data-label={t("common.name")}>
                    {m.user_id === auth.userId ? t("members.you", { name: m.name }) : m.name}
                  </td>
                  <td data-label={t("common.email")}>{m.email}</td>
                  <td data-label={t("common.role")}>
                    {m.user_id !== auth.userId && mayManageMember(auth.role, m.role)
                      ? (
                        <form
                          method="post"
                          action={`/settings/members/${m.user_id}/role`}
                          class="row-form"
                        >
                          <CsrfInput token={csrf} />
                          <label class="visually-hidden" for={`role-${m.user_id}`}>
                            {t("members.role_of", { name: m.name })}
                          </label>
                          <select id={`role-${m.user_id}`} name="role">
                            {assignableRoles(auth.role, m.role).map((r) => (
                              <option key={r} value={r} selected={r === m.role}>{role(r)}</option>
                            ))}
                          </select>
                          <button class="button secondary small" type="submit">
                            {t("common.change")}
                          </button>
                        </form>
                      )
                      : <span class="badge">{role(m.role)}</span>}
                  </td>
                  {manage
                    ? (
                      <td>
                        {m.user_id === auth.userId || !mayManageMember(auth.role, m.role)
                          ? null
                          : (
                            <form method="post" action={`/settings/members/${m.user_id}/remove`}>
                              <CsrfInput token={csrf} />
                              <button
                                class="button danger small"
                                type="submit"
                                aria-label={t("members.remove_named", { name: m.name })}
                              >
                                {t("common.remove")}
                              </button>
                            </form>
                          )}
                      </td>
                    )
                    : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {manage
        ? (
          <section class="card">
            <h2>{t("members.invite")}</h2>
            {seats && seats.limit !== null
              ? (
                <p class="muted" id="seat-usage">
                  {t("members.seats", { used: seats.used, limit: seats.limit })}
                  {seats.allowed ? " " : ` ${t("members.seats_full")} `}
                  <a href="/settings/billing">
                    {seats.allowed ? t("members.plans") : t("members.more_seats")}
                  </a>
                </p>
              )
              : null}
            <FormErrors message={extra.inviteError} />
            <form
              method="post"
              action="/settings/members/invite"
              id="invite-form"
              class="inline-form"
            >
              <CsrfInput token={csrf} />
              <Field
                label={t("common.email")}
                name="email"
                id="invite-email"
                type="email"
                value={extra.email}
                required
              />
              <div class="field">
                <label for="invite-role">{t("common.role")}</label>
                <select id="invite-role" name="role">
                  {INVITABLE_ROLES.map((r) => (
                    <option key={r} value={r} selected={r === "broker"}>{role(r)}</option>
                  ))}
                </select>
              </div>
              <button class="button primary" type="submit">{t("members.send_invitation")}</button>
            </form>
            <ListTable
              id="pending-invitations"
              caption={t("members.pending")}
              columns={[t("common.email"), t("common.role"), t("common.expires"), null]}
              empty={t("members.no_pending")}
              class="stack"
              rows={invitations.map((i) => (
                <tr key={i.id}>
                  <td data-label={t("common.email")}>{i.email}</td>
                  <td data-label={t("common.role")}>{role(i.role)}</td>
                  <td data-label={t("common.expires")}>{fmt.date(i.expires_at)}</td>
                  <td>
                    <form
                      method="post"
                      action={`/settings/members/invitations/${i.id}/revoke`}
                    >
                      <CsrfInput token={csrf} />
                      <button
                        class="button danger small"
                        type="submit"
                        aria-label={t("members.revoke_named", { email: i.email })}
                      >
                        {t("common.revoke")}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            />
          </section>
        )
        : null}
      {policyCard}
    </>,
    status,
  );
}

/** Runs a members action; a refused one re-renders the page with the reason instead of failing. */
async function attempt(
  c: AppContext,
  action: () => Promise<string>,
  key: "error" | "inviteError" = "error",
  email?: string,
) {
  try {
    const notice = await action();
    return c.redirect(
      `/settings/members?${new URLSearchParams(flashParams(c, "notice", notice))}`,
      303,
    );
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return showMembers(c, { [key]: err.message, email }, err.status);
  }
}

app.get("/settings/members", (c) => {
  const notice = flashText(c, "notice");
  return showMembers(c, { notice: notice?.slice(0, 200) });
});

app.post("/settings/members/invite", async (c) => {
  const body = await readBody(c);
  const email = typeof body.email === "string" ? body.email : "";
  return attempt(
    c,
    async () => {
      const parsed = InvitationSchema.safeParse(body);
      if (!parsed.success) {
        const errors = fieldErrors(parsed.error.issues);
        throw new AppError("invalid_request", 422, Object.values(errors).flat().join(" "), errors);
      }
      const auth = principalOf(c);
      const invitation = await createInvitation(
        c.get("services"),
        tenantOf(c),
        { userId: auth.userId, name: auth.name, role: auth.role },
        parsed.data,
        requestOrigin(c),
      );
      await recordSecurityEvent(c, {
        action: "invitation.sent",
        target: invitation.email,
        details: { role: invitation.role, invitation_id: invitation.id },
      });
      return tOf(c)("members.invitation_sent", { email: parsed.data.email });
    },
    "inviteError",
    email,
  );
});

app.post("/settings/members/invitations/:id/revoke", (c) =>
  attempt(c, async () => {
    const auth = principalOf(c);
    if (!auth.role || !can(auth.role, "members:manage")) {
      throw new AppError("forbidden", 403, tOf(c)("members.role_forbidden"));
    }
    await revokeInvitation(c.get("services").control, tenantOf(c).id, c.req.param("id"));
    await recordSecurityEvent(c, {
      action: "invitation.revoked",
      details: { invitation_id: c.req.param("id") },
    });
    return tOf(c)("members.invitation_revoked");
  }));

app.post("/settings/members/:userId/role", async (c) => {
  const body = await readBody(c);
  return attempt(c, async () => {
    const parsed = RoleChangeSchema.safeParse(body);
    if (!parsed.success) throw new AppError("invalid_request", 422, tOf(c)("members.choose_role"));
    const auth = principalOf(c);
    const m = await changeMemberRole(
      c.get("services"),
      tenantOf(c).id,
      { userId: auth.userId, role: auth.role },
      c.req.param("userId"),
      parsed.data.role,
    );
    await recordSecurityEvent(c, {
      action: "member.role_changed",
      target: m.email,
      details: { user_id: m.user_id, role: m.role },
    });
    return tOf(c)("members.role_changed", { name: m.name, role: tOf(c)(`role.${m.role}`) });
  });
});

app.post("/settings/members/:userId/remove", (c) =>
  attempt(c, async () => {
    const auth = principalOf(c);
    await removeMember(
      c.get("services"),
      tenantOf(c).id,
      { userId: auth.userId, role: auth.role },
      c.req.param("userId"),
    );
    await recordSecurityEvent(c, {
      action: "member.removed",
      details: { user_id: c.req.param("userId") },
    });
    return tOf(c)("members.removed");
  }));

export default app;
