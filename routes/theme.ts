/**
 * @module routes/theme
 * `GET /theme/<version>.css`: a tenant's theme at one configuration version, and
 * `GET /brand/<sha256>.<png|jpg>`: its uploaded logo and favicon. Both are named by what they
 * hold (a version never changes, an image is named by its hash), so browsers keep them forever.
 */
import { Hono } from "hono";
import { type AppEnv, tenantOf } from "../http/env.ts";
import { tenantOnly } from "../http/guards.ts";
import { NotFoundError } from "../domain/errors.ts";
import { configurationAt } from "../customization/document/store.ts";
import { themeCss } from "../customization/document/theme.ts";
import { readBrandImage } from "../customization/assets.ts";

const FOREVER = "public, max-age=31536000, immutable";
const MAX_STYLESHEETS = 2000;
/** Stylesheets by tenant and version: a version's document never changes, so neither does this. */
const stylesheets = new Map<string, string>();

const app = new Hono<AppEnv>();
app.use("/theme/*", tenantOnly());
app.use("/brand/*", tenantOnly());

app.get("/theme/:file{[0-9]{1,9}\\.css}", async (c) => {
  const tenant = tenantOf(c);
  const version = Number.parseInt(c.req.param("file"), 10);
  const key = `${tenant.id}:${version}`;
  let css = stylesheets.get(key);
  if (css === undefined) {
    const document = await configurationAt(tenant.db, version);
    if (!document) throw new NotFoundError("There is no theme at this version.");
    css = themeCss(document.branding);
    if (stylesheets.size >= MAX_STYLESHEETS) stylesheets.clear();
    stylesheets.set(key, css);
  }
  return c.body(css, 200, { "content-type": "text/css; charset=utf-8", "cache-control": FOREVER });
});

app.get("/brand/:name", async (c) => {
  const tenant = tenantOf(c);
  const image = await readBrandImage(
    c.get("services").storage,
    tenant.id,
    c.req.param("name"),
  );
  return c.body(image.bytes as Uint8Array<ArrayBuffer>, 200, {
    "content-type": image.contentType,
    "cache-control": "private, max-age=31536000, immutable",
  });
});

export default app;
