/**
 * @module routes/settings/data
 * Settings → Your data (owners): export the whole workspace and download the archive, restore an
 * export into this workspace while it is new and empty, and delete the workspace (password again;
 * 14 days of grace, cancellable from here or the banner on every page).
 */
import { Hono } from "hono";
import { z } from "zod";
import { type AppContext, type AppEnv, principalOf, tenantOf } from "../../http/env.ts";
import { memberPage, parseWith, readBody } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { can } from "../../auth/roles.ts";
import { AppError, ForbiddenError, InvalidError } from "../../domain/errors.ts";
import { CsrfInput, Field, FormErrors } from "../../components/Form.tsx";
import { SettingsNav } from "../../components/SettingsNav.tsx";
import { ListTable } from "../../components/ListTable.tsx";
import { deletionDate } from "../../components/DeletionBanner.tsx";
import { recordSecurityEvent } from "../../security/events.ts";
import {
  archiveStream,
  createDownloadLink,
  exportForLink,
  listExports,
  requestExport,
  type WorkspaceExport,
} from "../../data_rights/exports.ts";
import {
  cancelDeletion,
  DELETION_GRACE_DAYS,
  pendingDeletion,
  requestDeletion,
} from "../../data_rights/deletion.ts";
import { restoreIntoEmptyWorkspace, workspaceHasRecords } from "../../data_rights/restore.ts";
import { blobSource } from "../../data_rights/archive_reader.ts";
import { Island } from "../../framework/island.tsx";
import ExportProgress, { EXPORT_PROGRESS_MESSAGES } from "../../islands/ExportProgress.tsx";
import { languageOf, tOf } from "../../i18n/middleware.ts";
import { messagesFor, type Translate } from "../../i18n/mod.ts";

/** Largest archive the page accepts; bigger ones go through `deno task workspace:restore`. */
const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;

const app = new Hono<AppEnv>();
const progressMessages = (c: AppContext) => messagesFor(languageOf(c), EXPORT_PROGRESS_MESSAGES);
app.use("/settings/data", memberPage());
app.use("/settings/data/*", memberPage());

function assertOwner(c: AppContext): void {
  const role = principalOf(c).role;
  if (!role || !can(role, "workspace:data")) {
    throw new ForbiddenError(tOf(c)("data.owner_only"));
  }
}

function statusText(e: WorkspaceExport, t: Translate): string {
  if (e.status === "failed") return t("data.failed", { error: e.error ?? t("data.unknown_error") });
  if (e.status === "expired") return t("data.expired");
  return t("data.ready", { size: ((e.bytes ?? 0) / 1024 / 1024).toFixed(1) });
}

interface Flash {
  notice?: string;
  error?: string;
  passwordError?: string;
}

async function showData(c: AppContext, flash: Flash = {}, status = 200) {
  assertOwner(c);
  const services = c.get("services");
  const tenant = tenantOf(c);
  const csrf = c.get("csrfToken");
  const [exports, deletion, hasRecords] = await Promise.all([
    listExports(services.control, tenant.id),
    pendingDeletion(services, tenant.id),
    workspaceHasRecords(tenant.db),
  ]);
  const busy = exports.some((e) => e.status === "queued" || e.status === "running");
  const t = tOf(c);
  return renderApp(
    c,
    t("data.title"),
    <>
      <h1>{t("settings.title")}</h1>
      <SettingsNav current="/settings/data" role={principalOf(c).role} />
      {flash.notice ? <p class="flash success" role="status">{flash.notice}</p> : null}
      <FormErrors message={flash.error} />
      <section class="card" aria-labelledby="export-title">
        <h2 id="export-title">{t("data.export")}</h2>
        <p class="muted">{t("data.export_intro")}</p>
        <form method="post" action="/settings/data/exports">
          <CsrfInput token={csrf} />
          <button type="submit" class="button primary" disabled={busy}>
            {busy ? t("data.busy") : t("data.export_now")}
          </button>
        </form>
        {busy
          ? (
            <p>
              {t("data.progress_before")} <a href="/settings/data">{t("data.refresh")}</a>{" "}
              {t("data.progress_after")}
            </p>
          )
          : null}
        {exports.length
          ? (
            <ListTable
              caption={t("data.exports")}
              id="exports"
              columns={[
                t("data.started"),
                t("data.kind"),
                t("common.status"),
                t("data.available_until"),
                null,
              ]}
              empty={t("data.no_exports")}
              rows={exports.map((e) => (
                <tr key={e.id} data-export={e.id}>
                  <td>{deletionDate(e.createdAt, tenant.timeZone)}</td>
                  <td>{e.reason === "final" ? t("data.final_export") : t("data.export")}</td>
                  <td>
                    {e.status === "running" || e.status === "queued"
                      ? (
                        <Island
                          name="ExportProgress"
                          component={ExportProgress}
                          props={{
                            id: e.id,
                            done: e.stepsDone,
                            total: e.stepsTotal,
                            language: languageOf(c),
                            messages: progressMessages(c),
                          }}
                        />
                      )
                      : statusText(e, t)}
                  </td>
                  <td>{e.expiresAt ? deletionDate(e.expiresAt, tenant.timeZone) : "—"}</td>
                  <td>
                    {e.status === "ready"
                      ? (
                        <form method="post" action={`/settings/data/exports/${e.id}/link`}>
                          <CsrfInput token={csrf} />
                          <button type="submit" class="button">{t("data.download")}</button>
                        </form>
                      )
                      : null}
                  </td>
                </tr>
              ))}
            />
          )
          : null}
      </section>
      {hasRecords ? null : (
        <section class="card" aria-labelledby="restore-title">
          <h2 id="restore-title">{t("data.restore_title")}</h2>
          <p class="muted">{t("data.restore_intro")}</p>
          <form method="post" action="/settings/data/restore" enctype="multipart/form-data">
            <CsrfInput token={csrf} />
            <div class="field">
              <label for="restore-file">{t("data.archive")}</label>
              <input id="restore-file" type="file" name="archive" accept=".zip,application/zip" />
            </div>
            <button type="submit" class="button">{t("data.restore")}</button>
          </form>
        </section>
      )}
      <section class="card" aria-labelledby="delete-title">
        <h2 id="delete-title">{t("data.delete_title")}</h2>
        {deletion
          ? (
            <>
              <p>
                {t("data.will_be_deleted")}{" "}
                <strong>{deletionDate(deletion.purgeAfter, tenant.timeZone)}</strong>
                {t("data.final_listed")}
              </p>
              <form method="post" action="/settings/data/deletion/cancel">
                <CsrfInput token={csrf} />
                <button type="submit" class="button primary">{t("data.cancel_deletion")}</button>
              </form>
            </>
          )
          : (
            <>
              <p class="muted">{t("data.delete_intro", { days: DELETION_GRACE_DAYS })}</p>
              <form method="post" action="/settings/data/deletion">
                <CsrfInput token={csrf} />
                <Field
                  name="password"
                  type="password"
                  label={t("data.password")}
                  autocomplete="current-password"
                  required
                  error={flash.passwordError}
                />
                <button type="submit" class="button danger">{t("data.delete_title")}</button>
              </form>
            </>
          )}
      </section>
    </>,
    status,
  );
}

/** Runs an action and shows the page with its notice, or with the reason it was refused. */
async function act(c: AppContext, run: () => Promise<string | Response>): Promise<Response> {
  assertOwner(c);
  try {
    const result = await run();
    return typeof result === "string" ? await showData(c, { notice: result }) : result;
  } catch (err) {
    if (!(err instanceof AppError) || err.status === 403) throw err;
    const details = err instanceof InvalidError
      ? err.details as Record<string, string[]> | undefined
      : undefined;
    const passwordError = details?.password?.[0];
    return await showData(c, { error: err.message, passwordError }, err.status);
  }
}

app.get("/settings/data", (c) => showData(c));

app.post("/settings/data/exports", (c) =>
  act(c, async () => {
    const exp = await requestExport(c.get("services"), tenantOf(c).id, principalOf(c).userId);
    await recordSecurityEvent(c, { action: "workspace.exported", target: exp.id });
    return tOf(c)("data.export_started");
  }));

app.post("/settings/data/exports/:id/link", (c) =>
  act(c, async () => {
    const link = await createDownloadLink(c.get("services"), tenantOf(c).id, c.req.param("id"));
    return c.redirect(
      `/settings/data/exports/${c.req.param("id")}/download?token=${link.token}`,
      303,
    );
  }));

const TokenQuery = z.object({ token: z.string().min(20).max(100) });

app.get("/settings/data/exports/:id/download", async (c) => {
  assertOwner(c);
  const { token } = parseWith(TokenQuery, c.req.query());
  const services = c.get("services");
  const tenant = tenantOf(c);
  const exp = await exportForLink(services, tenant.id, c.req.param("id"), token);
  return new Response(archiveStream(services, exp), {
    headers: {
      "content-type": "application/zip",
      "content-length": String(exp.bytes ?? 0),
      "content-disposition": `attachment; filename="${tenant.slug}-export-${
        exp.createdAt.slice(0, 10)
      }.zip"`,
      "cache-control": "no-store",
    },
  });
});

app.post("/settings/data/restore", (c) =>
  act(c, async () => {
    const length = Number(c.req.header("content-length") ?? 0);
    if (length > MAX_UPLOAD_BYTES) {
      throw new InvalidError(tOf(c)("data.too_large"), {
        archive: [tOf(c)("data.too_large_field")],
      }, 413);
    }
    const body = await c.req.parseBody();
    const file = body.archive;
    if (!(file instanceof File) || file.size === 0) {
      throw new InvalidError(tOf(c)("data.choose_archive"), {
        archive: [tOf(c)("data.choose_file")],
      }, 422);
    }
    const result = await restoreIntoEmptyWorkspace(
      c.get("services"),
      tenantOf(c),
      blobSource(file),
    );
    await recordSecurityEvent(c, {
      action: "workspace.restored",
      details: { rows: result.counts.rows, files: result.counts.files },
    });
    const invite = result.missingMembers.length
      ? ` ${tOf(c)("data.invite_again", { emails: result.missingMembers.join(", ") })}`
      : "";
    return tOf(c)("data.restored", {
      rows: result.counts.rows,
      tables: result.counts.tables,
      files: result.counts.files,
    }) + invite;
  }));

const DeleteForm = z.object({ password: z.string().min(1, "Enter your password.").max(200) });

app.post("/settings/data/deletion", (c) =>
  act(c, async () => {
    const parsed = DeleteForm.safeParse(await readBody(c));
    if (!parsed.success) {
      throw new InvalidError(tOf(c)("data.enter_password_confirm"), {
        password: [tOf(c)("data.enter_password")],
      }, 422);
    }
    const services = c.get("services");
    const tenant = tenantOf(c);
    const pending = await requestDeletion(
      services,
      tenant.id,
      principalOf(c).userId,
      parsed.data.password,
    );
    await recordSecurityEvent(c, {
      action: "workspace.deletion_requested",
      target: tenant.slug,
      details: { purge_after: pending.purgeAfter },
    });
    // The banner reads the tenant's row: show it on this very page.
    c.get("tenant")!.purgeAfter = pending.purgeAfter;
    return tOf(c)("data.deletion_requested", {
      date: deletionDate(pending.purgeAfter, tenant.timeZone),
    });
  }));

app.post("/settings/data/deletion/cancel", (c) =>
  act(c, async () => {
    const tenant = tenantOf(c);
    await cancelDeletion(c.get("services"), tenant.id);
    await recordSecurityEvent(c, { action: "workspace.deletion_cancelled", target: tenant.slug });
    c.get("tenant")!.purgeAfter = null;
    return tOf(c)("data.deletion_cancelled");
  }));

export default app;
