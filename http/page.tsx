/**
 * @module http/page
 * Renders a page inside the public shell (bare domain) or the app shell (tenant), through the
 * islands layer, with the request's CSP nonce. Routes call `renderPublic` / `renderApp`.
 */
import type { ComponentChildren } from "preact";
import { renderPage } from "../framework/render.tsx";
import { AppShell } from "../components/AppShell.tsx";
import { PublicShell } from "../components/PublicShell.tsx";
import type { AppContext } from "./env.ts";
import { pageNonce } from "./middleware.ts";
import { principalOf, tenantOf } from "./env.ts";
import { BillingBanner } from "../components/BillingBanner.tsx";
import { DeletionBanner, deletionDate } from "../components/DeletionBanner.tsx";
import { can } from "../auth/roles.ts";
import {
  AccountNotice,
  type AccountNoticeKind,
  accountNoticeOf,
} from "../components/AccountNotice.tsx";
import { brandImageUrl } from "../customization/assets.ts";
import { navigation, words } from "../customization/terms.ts";
import { WordsContext } from "../components/Words.tsx";
import { featureOn, navigationShown } from "../customization/features.ts";

/** The tenant's theme for a page: its versioned stylesheet, favicon, product name and logo. */
function themeOf(c: AppContext) {
  const configuration = c.get("configuration");
  if (!configuration) return { stylesheets: [] };
  const branding = configuration.document.branding;
  const favicon = brandImageUrl(branding.favicon);
  return {
    stylesheets: [`/theme/${configuration.version}.css`],
    icon: favicon
      ? { href: favicon, type: favicon.endsWith(".png") ? "image/png" : "image/jpeg" }
      : undefined,
    productName: branding.product_name,
    logoUrl: brandImageUrl(branding.logo),
  };
}

/** The first-steps notice the request asks for; "check your e-mail" only while unconfirmed. */
function accountNoticeFor(c: AppContext): AccountNoticeKind | null {
  const kind = accountNoticeOf((name) => c.req.query(name));
  return kind === "welcome" && c.get("auth")?.emailVerified ? null : kind;
}

/** A page on the bare domain (landing, signup, sign-in, workspace list). */
export function renderPublic(
  c: AppContext,
  title: string,
  body: ComponentChildren,
  status = 200,
): Response {
  const notice = accountNoticeFor(c);
  const page = (
    <>
      {notice ? <AccountNotice kind={notice} email={c.get("auth")?.email} /> : null}
      {body}
    </>
  );
  const theme = themeOf(c);
  const shell = (
    <PublicShell
      signedIn={Boolean(c.get("auth"))}
      productName={theme.productName}
      logoUrl={theme.logoUrl}
    >
      {page}
    </PublicShell>
  );
  const html = renderPage(shell, {
    title,
    nonce: pageNonce(c),
    assets: c.get("services").assets,
    stylesheets: theme.stylesheets,
    icon: theme.icon,
  });
  return c.html(html, status as 200);
}

/** A page inside a tenant's app shell, for a signed-in member. */
export function renderApp(
  c: AppContext,
  title: string,
  body: ComponentChildren,
  status = 200,
): Response {
  const tenant = tenantOf(c);
  const auth = principalOf(c);
  const billing = c.get("billing");
  const access = billing?.access;
  const banner = access && access.mode !== "full"
    ? (
      <BillingBanner
        mode={access.mode}
        message={access.message}
        billingUrl={auth.role && can(auth.role, "billing:manage") ? "/settings/billing" : null}
      />
    )
    : undefined;
  const deletion = tenant.purgeAfter
    ? (
      <DeletionBanner
        when={deletionDate(tenant.purgeAfter, tenant.timeZone)}
        canCancel={auth.role === "owner"}
        csrfToken={c.get("csrfToken")}
      />
    )
    : undefined;
  const notice = accountNoticeFor(c);
  const theme = themeOf(c);
  const config = c.get("configuration")?.document;
  const shell = (
    <AppShell
      navigation={navigation(config).filter((entry) => navigationShown(config, billing, entry.key))}
      productName={theme.productName}
      logoUrl={theme.logoUrl}
      tenantName={tenant.name}
      user={{ name: auth.name, email: auth.email, role: auth.role ?? "viewer" }}
      userId={auth.userId}
      currentPath={c.req.path}
      csrfToken={c.get("csrfToken")}
      assistant={featureOn(config, billing, "assistant")}
      searchQuery={c.req.path === "/search" ? c.req.query("q") : undefined}
      banner={deletion || banner ? <>{deletion}{banner}</> : undefined}
    >
      {notice ? <AccountNotice kind={notice} email={auth.email} /> : null}
      {body}
    </AppShell>
  );
  // Components write fixed phrases as <T>…</T>: the tenant's words reach them through context.
  const html = renderPage(
    <WordsContext.Provider value={(text) => words(config, text)}>{shell}</WordsContext.Provider>,
    {
      title: `${title} · ${tenant.name}`,
      nonce: pageNonce(c),
      assets: c.get("services").assets,
      stylesheets: theme.stylesheets,
      icon: theme.icon,
    },
  );
  return c.html(html, status as 200);
}
