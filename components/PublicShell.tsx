/**
 * @module components/PublicShell
 * The frame of pages on the bare app domain and of a workspace's sign-in pages.
 */
import type { ComponentChildren } from "preact";
import { LogoMark } from "./Icons.tsx";

/** Header with the product name and the sign-in / trial links, then the page. */
export function PublicShell(props: { signedIn: boolean; children: ComponentChildren }) {
  return (
    <div class="public">
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="topbar public-bar">
        <a class="brand" href="/">
          <LogoMark />
          <span>ProjectMeats</span>
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
          ProjectMeats · software for meat and protein brokers · <a href="/help">Help</a>
        </p>
      </footer>
    </div>
  );
}
