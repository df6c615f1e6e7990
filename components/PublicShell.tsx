/**
 * @module components/PublicShell
 * The frame of pages on the bare app domain and of a workspace's sign-in pages.
 */
import type { ComponentChildren } from "preact";
import { LogoMark } from "./Icons.tsx";

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
  return (
    <div class="public">
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="topbar public-bar">
        <a class="brand" href="/">
          {props.logoUrl ? <img class="brand-logo" src={props.logoUrl} alt="" /> : <LogoMark />}
          <span>{product}</span>
        </a>
        <nav aria-label="Account">
          {props.signedIn ? <a href="/workspaces">Your workspaces</a> : (
            <>
              <a href="/login">Sign in</a>
              <a class="button primary small" href="/signup">Start free trial</a>
            </>
          )}
        </nav>
      </header>
      <main id="main" class="public-main">{props.children}</main>
      <footer class="public-footer">
        <p class="muted">
          {product} · software for meat and protein brokers · <a href="/help">Help</a>
        </p>
      </footer>
    </div>
  );
}
