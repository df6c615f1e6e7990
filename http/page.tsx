/**
 * @module http/page
 * Renders a page inside the public shell (bare domain) or the app shell (tenant), through the
 * islands layer, with the request's CSP nonce. Routes call `renderPublic` / `renderApp`.
 */
import type { ComponentChildren } from "preact";
import { renderPage, renderPageOf } from "../framework/render.tsx";
import { renderShell } from "../components/shell_template.tsx";
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
import { messagesInWords, navigation, words } from "../customization/terms.ts";
import { LanguageContext, WordsContext } from "../components/Words.tsx";
import {
  messagesFor,
  shownLabel,
  type Translate,
  translator,
  workspaceTranslator,
  workspaceWords,
} from "../i18n/mod.ts";
import { languageOf } from "../i18n/middleware.ts";
import { featureOn, navigationShown } from "../customization/features.ts";
import { appColours, appIconUrl } from "../customization/web_manifest.ts";
import { DEFAULT_CONFIGURATION } from "../customization/document/schema.ts";
import { decidableCount } from "../customization/approvals_menu.ts";

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

const BUILT_IN_NAVIGATION = new Map(navigation(null).map((entry) => [entry.key, entry.label]));

/** A navigation entry in the reader's language, unless the workspace named it itself. */
function navigationLabel(t: Translate, key: string, label: string): string {
  const builtIn = BUILT_IN_NAVIGATION.get(key as never) ?? label;
  if (label !== builtIn) return label;
  const own = t(`nav.${key}`);
  return own === `nav.${key}` ? shownLabel(t, builtIn) : own;
}

/** The installable app's head links (routes/pwa.tsx): manifest, status bar colour, icon. */
function installableApp(c: AppContext) {
  const configuration = c.get("configuration");
  const branding = (configuration?.document ?? DEFAULT_CONFIGURATION).branding;
  return {
    manifest: "/manifest.webmanifest",
    themeColor: appColours(branding).primary,
    touchIcon: appIconUrl(configuration?.version ?? 0, 192, false),
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
  const language = languageOf(c);
  const shell = (
    <PublicShell
      signedIn={Boolean(c.get("auth"))}
      productName={theme.productName}
      logoUrl={theme.logoUrl}
    >
      {page}
    </PublicShell>
  );
  const html = renderPage(
    <LanguageContext.Provider value={{ language, t: translator(language) }}>
      {shell}
    </LanguageContext.Provider>,
    {
      title,
      lang: language,
      nonce: pageNonce(c),
      assets: c.get("services").assets,
      stylesheets: theme.stylesheets,
      icon: theme.icon,
    },
  );
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
  const language = languageOf(c);
  const englishWords = (text: string) => words(config, text);
  const phrases = config?.terminology.phrases ?? {};
  const t = workspaceTranslator(language, phrases, englishWords);
  const tenantWords = workspaceWords(language, phrases, englishWords);
  const provide = (node: ComponentChildren) => (
    <LanguageContext.Provider value={{ language, t }}>
      <WordsContext.Provider value={tenantWords}>{node}</WordsContext.Provider>
    </LanguageContext.Provider>
  );
  const role = auth.role ?? "viewer";
  const assistant = featureOn(config, billing, "assistant");
  // The shell is kept as a template per workspace look (components/shell_template.tsx): `look`
  // may read only the configuration, the language, the role and the assistant switch.
  const html = renderPageOf(
    () =>
      renderShell({
        key: { configuration: config, language, role, assistant },
        look: () => ({
          navigation: navigation(config, language)
            .filter((entry) => navigationShown(config, billing, entry.key))
            .map((entry) => ({
              href: entry.href,
              label: navigationLabel(t, entry.key, entry.label),
            })),
          productName: theme.productName,
          logoUrl: theme.logoUrl,
          islandWords: (messages) =>
            messagesInWords(config, messages, messagesFor("en", Object.keys(messages)), language),
          assistant,
        }),
        provide,
        tenantName: tenant.name,
        user: { name: auth.name, email: auth.email, role },
        userId: auth.userId,
        otherWorkspaces: auth.otherWorkspaces,
        currentPath: c.req.path,
        csrfToken: c.get("csrfToken"),
        searchQuery: c.req.path === "/search" ? c.req.query("q") : undefined,
        banner: deletion || banner ? <>{deletion}{banner}</> : undefined,
        countOf: (href) =>
          href === "/approvals"
            ? decidableCount(c.get("approvalsWaiting") ?? [], auth.role, auth.userId)
            : undefined,
        children: (
          <>
            {notice ? <AccountNotice kind={notice} email={auth.email} /> : null}
            {body}
          </>
        ),
      }),
    {
      title: `${title} · ${tenant.name}`,
      lang: language,
      nonce: pageNonce(c),
      assets: c.get("services").assets,
      stylesheets: theme.stylesheets,
      icon: theme.icon,
      app: installableApp(c),
    },
  );
  // The service worker keeps a record's page for reading offline only for this user (routes/pwa).
  c.header("x-offline-user", auth.userId);
  return c.html(html, status as 200);
}
