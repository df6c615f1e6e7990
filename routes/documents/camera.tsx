/**
 * @module routes/documents/camera
 * `GET /documents/camera`: a phone's camera upload, where the user chooses the load a BOL or POD
 * photo belongs to; `POST /documents/camera` (also the form on a load's page) stores the photo in
 * the document reader, attached to that load, and goes back to the load. Plain forms, no script.
 */
import { Hono } from "hono";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { tenantOf } from "../../http/env.ts";
import { memberPage } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { requireFeature } from "../../customization/middleware.ts";
import { AppError } from "../../domain/errors.ts";
import { recentLoads } from "../../domain/documents/capture.ts";
import { CameraCapture } from "../../components/CameraCapture.tsx";
import { takeLoadPhoto } from "../_camera.ts";
import { tOf } from "../../i18n/middleware.ts";

async function cameraPage(c: AppContext, error?: string, status = 200): Promise<Response> {
  const loads = await recentLoads(tenantOf(c).db);
  const t = tOf(c);
  return renderApp(
    c,
    t("camera_page.title"),
    <>
      <p class="breadcrumb">
        <a href="/documents">{t("documents.title")}</a>
      </p>
      <div class="page-head">
        <h1>{t("camera_page.title")}</h1>
      </div>
      {error ? <p class="flash error" role="alert">{error}</p> : null}
      <section class="card">
        <p class="muted">{t("camera_page.intro")}</p>
        {loads.length
          ? <CameraCapture csrfToken={c.get("csrfToken")} loads={loads} />
          : <p>{t("camera_page.no_loads")}</p>}
      </section>
    </>,
    status,
  );
}

const app = new Hono<AppEnv>();
app.use("/documents/camera", memberPage(), requireFeature("documents"));

app.get("/documents/camera", (c) => cameraPage(c));

// No uploadLimit() here: the CSRF check has read the form already (as for POST /documents).
app.post("/documents/camera", async (c) => {
  const form = await c.req.formData();
  const loadId = String(form.get("load_id") ?? "");
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) {
    return cameraPage(c, tOf(c)("camera_page.take_first"), 422);
  }
  try {
    await takeLoadPhoto(c, loadId, file);
  } catch (err) {
    if (err instanceof AppError && err.status < 500) return cameraPage(c, err.message, err.status);
    throw err;
  }
  return c.redirect(`/loads/${loadId}?photo=1`, 303);
});

export default app;
