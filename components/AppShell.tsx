/**
 * @module components/AppShell
 * The frame of every page inside a workspace: a top bar with the tenant's name and the user menu,
 * the section navigation (a sidebar on wide screens, a disclosure on phones) and the main area.
 * Menus are <details> elements, so they work with no JavaScript at all.
 */
import type { ComponentChildren } from "preact";
import { CsrfInput } from "./Form.tsx";
import { LogoMark, MenuIcon, SearchIcon } from "./Icons.tsx";

/**
 * Sections of the app; `ready: false` shows a section that is coming, without a dead link, and
 * `assistant: true` one shown only where the tenant may ask the assistant.
 */
export const NAV_SECTIONS: ReadonlyArray<
  { href: string; label: string; ready: boolean; assistant?: true }
> = [
  { href: "/", label: "Dashboard", ready: true },
  { href: "/purchase-orders", label: "Purchase orders", ready: true },
  { href: "/sales-orders", label: "Sales orders", ready: true },
  { href: "/loads", label: "Loads", ready: true },
  { href: "/invoices", label: "Invoices", ready: true },
  { href: "/payments", label: "Payments", ready: true },
  { href: "/claims", label: "Claims", ready: true },
  { href: "/suppliers", label: "Suppliers", ready: true },
  { href: "/plants", label: "Plants", ready: true },
  { href: "/customers", label: "Customers", ready: true },
  { href: "/carriers", label: "Carriers", ready: true },
  { href: "/contacts", label: "Contacts", ready: true },
  { href: "/locations", label: "Locations", ready: true },
  { href: "/products", label: "Products", ready: true },
  { href: "/documents", label: "Documents", ready: true },
  { href: "/reports", label: "Reports", ready: true },
  { href: "/assistant", label: "Assistant", ready: true, assistant: true },
  { href: "/settings", label: "Settings", ready: true },
  { href: "/help", label: "Help", ready: true },
];

export interface AppShellProps {
  tenantName: string;
  user: { name: string; email: string; role: string };
  currentPath: string;
  csrfToken: string;
  /** What the global search box shows (the current query on the search page). */
  searchQuery?: string;
  /** Whether the plan and billing state let this tenant ask the assistant (Ask panel, nav item). */
  assistant: boolean;
  /** The product's name as the tenant shows it (branding.product_name). */
  productName?: string;
  /** The tenant's uploaded logo, replacing the built-in mark. */
  logoUrl?: string | null;
  /** A notice shown above the page (billing grace or read-only). */
  banner?: ComponentChildren;
  children: ComponentChildren;
}

function isCurrent(href: string, path: string): boolean {
  return href === "/" ? path === "/" : path === href || path.startsWith(`${href}/`);
}

/** The signed-in layout of a workspace. */
export function AppShell(props: AppShellProps) {
  const nav = (
    <ul>
      {NAV_SECTIONS.filter((s) => !s.assistant || props.assistant).map(({ href, label, ready }) => (
        <li key={href}>
          {ready
            ? (
              <a href={href} aria-current={isCurrent(href, props.currentPath) ? "page" : undefined}>
                {label}
              </a>
            )
            : (
              <span class="nav-soon">
                {label} <small>soon</small>
              </span>
            )}
        </li>
      ))}
    </ul>
  );
  return (
    <div class="app">
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="topbar">
        <details class="nav-disclosure">
          <summary aria-label="Menu">
            <MenuIcon />
          </summary>
          <nav aria-label="Sections (menu)">{nav}</nav>
        </details>
        <a class="brand" href="/">
          {props.logoUrl
            ? <img class="brand-logo" src={props.logoUrl} alt={props.productName ?? ""} />
            : <LogoMark />}
          <span class="tenant-name">{props.tenantName}</span>
        </a>
        <form
          class="topbar-search"
          method="get"
          action="/search"
          role="search"
          aria-label="Everything"
        >
          <label for="global-search" class="visually-hidden">Search everything</label>
          <input
            id="global-search"
            type="search"
            name="q"
            placeholder="Search POs, EST, MC, names…"
            value={props.searchQuery ?? ""}
          />
        </form>
        {props.assistant
          ? (
            <details class="ask-panel">
              <summary>Ask</summary>
              <form method="post" action="/assistant" class="menu-panel ask-form">
                <CsrfInput token={props.csrfToken} />
                <label for="ask-message">Ask about your business</label>
                <textarea
                  id="ask-message"
                  name="message"
                  rows={3}
                  required
                  maxLength={2000}
                  placeholder="Which invoices are over 60 days past due?"
                />
                <button class="button primary small" type="submit">Ask</button>
              </form>
            </details>
          )
          : null}
        <a class="search-link" href="/search" aria-label="Search">
          <SearchIcon />
        </a>
        <details class="user-menu">
          <summary data-menu-toggle>
            <span class="avatar" aria-hidden="true">
              {props.user.name.slice(0, 1).toUpperCase()}
            </span>
            <span class="visually-hidden">Account menu:</span>
            <span class="user-name">{props.user.name}</span>
          </summary>
          <div class="menu-panel">
            <p class="muted">
              {props.user.email}
              <br />Role: {props.user.role}
            </p>
            <a href="/settings/profile">Profile</a>
            <a href="/settings/tokens">API tokens</a>
            <form method="post" action="/logout">
              <CsrfInput token={props.csrfToken} />
              <button class="button link" type="submit">Sign out</button>
            </form>
          </div>
        </details>
      </header>
      <div class="layout">
        <nav class="sidebar" aria-label="Sections">
          {nav}
          <p class="product-name">{props.productName ?? "ProjectMeats"}</p>
        </nav>
        <main id="main" class="content">{props.banner}{props.children}</main>
      </div>
    </div>
  );
}
