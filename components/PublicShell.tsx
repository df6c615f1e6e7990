/**
 * @module components/PublicShell
 * The frame of pages on the bare app domain and of a workspace's sign-in pages.
 */
import type { ComponentChildren } from "preact";
import { LogoMark } from "./Icons.tsx";
import { useT } from "./Words.tsx";

/**
 * Header with the product name and the sign-in / trial links, then the page. On a workspace's
 * host the workspace's own product name and logo (its configuration's branding) replace ours.
 */
export function PublicShell(
  props: {
    signedIn: boolean;
    productName?: string;
    logoUrl?: string | null;
    children: ComponentChildren;
  },
) {
  const product = props.productName ?? "ProjectMeats";
  const t = useT();
  return (
    <div class="public">
      <a class="skip-link" href="#main">{t("shell.skip_to_content")}</a>
      <header class="topbar public-bar">
        <a class="brand" href="/">
          {props.logoUrl ? <img class="brand-logo" src={props.logoUrl} alt="" /> : <LogoMark />}
          <span>{product}</span>
        </a>
        <nav aria-label={t("public.account")}>
          {props.signedIn ? <a href="/workspaces">{t("public.your_workspaces")}</a> : (
            <>
              <a href="/login">{t("public.sign_in")}</a>
              <a class="button primary small" href="/signup">{t("public.start_free_trial")}</a>
            </>
          )}
        </nav>
      </header>
      <main id="main" class="public-main">{props.children}</main>
      <footer class="public-footer">
        <p class="muted">
          {t("public.footer", { product })} · <a href="/help">{t("public.help")}</a>
        </p>
      </footer>
    </div>
  );
}
