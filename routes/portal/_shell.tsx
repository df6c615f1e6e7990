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
): Response {
  const configuration = c.get("configuration");
  const branding = configuration?.document.branding;
  const logo = branding ? brandImageUrl(branding.logo) : null;
  const page = (
    <div class="public portal">
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="topbar public-bar">
        <span class="brand">
          {logo ? <img class="brand-logo" src={logo} alt="" /> : null}
          <span>{letterhead?.name ?? "Invoice"}</span>
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
  const html = renderPage(page, {
    title,
    nonce: pageNonce(c),
    assets: c.get("services").assets,
    stylesheets: configuration ? [`/theme/${configuration.version}.css`] : [],
  });
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Robots-Tag", "noindex");
  return c.html(html, status as 200);
}

/** The one answer to a link that does not work, whatever the reason: nothing is revealed. */
export function refusePortal(c: AppContext, status: 404 | 410 | 429): Response {
  const title = status === 410
    ? "This link has expired"
    : status === 429
    ? "Too many attempts"
    : "This link does not work";
  const text = status === 410
    ? "Invoice links last a limited time. Ask the company that sent it for a new one."
    : status === 429
    ? "Wait a few minutes, then open the link from the e-mail again."
    : "Check that the whole address from the e-mail was opened, or ask the sender for a new link.";
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
  );
}
