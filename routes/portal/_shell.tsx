/**
 * @module routes/portal/_shell
 * The portal's own minimal frame: the tenant's letterhead (logo, name, address) and theme, no
 * navigation, no link into the workspace. The refusal page says only that the link does not work.
 */
import type { ComponentChildren } from "preact";
import type { AppContext } from "../../http/env.ts";
import { pageNonce } from "../../http/middleware.ts";
import { renderPage } from "../../framework/render.tsx";
import { brandImageUrl } from "../../customization/assets.ts";
import type { CompanyDetails } from "../../domain/company.ts";
import { chooseLanguage, type Language, translator } from "../../i18n/mod.ts";
import { LanguageContext } from "../../components/Words.tsx";
import { tenantOf } from "../../http/env.ts";

/**
 * The portal's language when no customer is known (a refused link): the browser's
 * Accept-Language, else the workspace's default (its locale), else English.
 */
export async function visitorLanguage(c: AppContext): Promise<Language> {
  const tenant = c.get("tenant") ? tenantOf(c) : null;
  const acceptLanguage = c.req.header("accept-language");
  const locale = tenant
    ? (await tenant.db.execute("SELECT value FROM settings WHERE key = 'locale'")).rows[0]?.value
    : null;
  return chooseLanguage({ acceptLanguage, workspaceLocale: locale });
}

/** The letterhead the portal shows: what the tenant put on its paperwork (Settings → Company). */
export interface Letterhead {
  name: string;
  lines: string[];
  phone: string;
  email: string;
  remittance: string;
}

/** The letterhead of a tenant's company details. */
export function letterheadOf(company: CompanyDetails, fallbackName: string): Letterhead {
  const cityLine = [company.company_city, company.company_state, company.company_postal_code]
    .filter(Boolean).join(" ");
  return {
    name: company.company_name || fallbackName,
    lines: [company.company_address, cityLine, company.company_country].filter(Boolean),
    phone: company.company_phone,
    email: company.company_email,
    remittance: company.remittance_instructions,
  };
}

/** Renders a portal page in the tenant's theme with its letterhead. */
export function renderPortal(
  c: AppContext,
  title: string,
  letterhead: Letterhead | null,
  body: ComponentChildren,
  status = 200,
  language: Language = "en",
): Response {
  const t = translator(language);
  const configuration = c.get("configuration");
  const branding = configuration?.document.branding;
  const logo = branding ? brandImageUrl(branding.logo) : null;
  const page = (
    <div class="public portal">
      <a class="skip-link" href="#main">{t("portal.skip")}</a>
      <header class="topbar public-bar">
        <span class="brand">
          {logo ? <img class="brand-logo" src={logo} alt="" /> : null}
          <span>{letterhead?.name ?? t("portal.invoice")}</span>
        </span>
      </header>
      <main id="main" class="public-main">{body}</main>
      {letterhead
        ? (
          <footer class="public-footer">
            <address class="muted">
              {[letterhead.name, ...letterhead.lines].join(", ")}
              {[letterhead.phone, letterhead.email].filter(Boolean).map((v) => ` · ${v}`).join("")}
            </address>
          </footer>
        )
        : null}
    </div>
  );
  const html = renderPage(
    <LanguageContext.Provider value={{ language, t }}>{page}</LanguageContext.Provider>,
    {
      title,
      lang: language,
      nonce: pageNonce(c),
      assets: c.get("services").assets,
      stylesheets: configuration ? [`/theme/${configuration.version}.css`] : [],
    },
  );
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Robots-Tag", "noindex");
  return c.html(html, status as 200);
}

/** The one answer to a link that does not work, whatever the reason: nothing is revealed. */
export async function refusePortal(c: AppContext, status: 404 | 410 | 429): Promise<Response> {
  const language = await visitorLanguage(c);
  const t = translator(language);
  const title = status === 410
    ? t("portal.expired_title")
    : status === 429
    ? t("portal.too_many_title")
    : t("portal.broken_title");
  const text = status === 410
    ? t("portal.expired_text")
    : status === 429
    ? t("portal.too_many_text")
    : t("portal.broken_text");
  if (status === 429) c.header("Retry-After", "600");
  return renderPortal(
    c,
    title,
    null,
    (
      <section>
        <h1>{title}</h1>
        <p>{text}</p>
      </section>
    ),
    status,
    language,
  );
}
