/**
 * @module components/AppShell
 * The frame of every page inside a workspace: a top bar with the tenant's name and the user menu,
 * the section navigation (a sidebar on wide screens, a disclosure on phones) and the main area.
 * Menus are <details> elements, so they work with no JavaScript at all.
 */
import type { ComponentChildren } from "preact";
import { CsrfInput } from "./Form.tsx";
import { LogoMark, MenuIcon, SearchIcon } from "./Icons.tsx";
import { useLanguage, useT } from "./Words.tsx";
import { messagesFor } from "../i18n/mod.ts";
import type { Messages } from "../i18n/format.ts";
import { Island } from "../framework/island.tsx";
import LiveUpdates, { LIVE_UPDATES_MESSAGES } from "../islands/LiveUpdates.tsx";
import NotificationBell from "../islands/NotificationBell.tsx";
import CommandPalette, { COMMAND_PALETTE_MESSAGES } from "../islands/CommandPalette.tsx";
import OfflineQueue, { OFFLINE_QUEUE_MESSAGES } from "../islands/OfflineQueue.tsx";

/**
 * The built-in sections of the app (a tenant's own names and order come from
 * customization/terms.ts); `assistant: true` one shown only where the tenant may ask the assistant.
 */
export const NAV_SECTIONS: ReadonlyArray<
  { href: string; label: string; assistant?: true }
> = [
  { href: "/", label: "Dashboard" },
  { href: "/purchase-orders", label: "Purchase orders" },
  { href: "/sales-orders", label: "Sales orders" },
  { href: "/loads", label: "Loads" },
  { href: "/invoices", label: "Invoices" },
  { href: "/payments", label: "Payments" },
  { href: "/claims", label: "Claims" },
  { href: "/suppliers", label: "Suppliers" },
  { href: "/plants", label: "Plants" },
  { href: "/customers", label: "Customers" },
  { href: "/carriers", label: "Carriers" },
  { href: "/contacts", label: "Contacts" },
  { href: "/locations", label: "Locations" },
  { href: "/products", label: "Products" },
  { href: "/documents", label: "Documents" },
  { href: "/reports", label: "Reports" },
  { href: "/assistant", label: "Assistant", assistant: true },
  { href: "/settings", label: "Settings" },
  { href: "/help", label: "Help" },
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
  /**
   * The navigation as the tenant names and orders it, switched-off features left out
   * (customization/terms.ts); the built-in sections when absent.
   */
  navigation?: ReadonlyArray<{ href: string; label: string; count?: number }>;
  /** The signed-in member's id: with it, the notification bell and live updates (issue 17). */
  userId?: string;
  /** A notice shown above the page (billing grace or read-only). */
  banner?: ComponentChildren;
  /**
   * The tenant's words for an island's messages (customization/terms.ts messagesInWords), so the
   * command palette says "New shipment" where the tenant renamed loads.
   */
  islandWords?: (messages: Messages) => Messages;
  /** The signed-in person's other workspaces: the user menu switches to each (auth/workspace_switch.ts). */
  otherWorkspaces?: ReadonlyArray<{ tenantId: string; name: string }>;
  /**
   * Only for components/shell_template.ts, which renders the shell once per workspace look and
   * splices each request's parts in: these marks stand where those parts go.
   */
  slots?: ShellSlots;
  children: ComponentChildren;
}

/** The marks components/shell_template.ts renders in place of a request's own parts. */
export interface ShellSlots {
  /** The value of the `aria-current` attribute of the `index`th navigation link. */
  current(index: number): string;
  /** The text standing for the `index`th navigation link's count badge. */
  count(index: number): string;
  /** The text standing for the avatar's letter. */
  initial: string;
  /** The text standing for the workspace switcher. */
  workspaces: string;
}

/** Whether the navigation entry `href` is the page at `path` (it and the pages under it). */
export function isCurrent(href: string, path: string): boolean {
  return href === "/" ? path === "/" : path === href || path.startsWith(`${href}/`);
}

/** The signed-in layout of a workspace. */
export function AppShell(props: AppShellProps) {
  const t = useT();
  const language = useLanguage();
  const nav = (
    <ul>
      {shellNavigation(props).map((
        { href, label, count }: { href: string; label: string; count?: number },
        i,
      ) => (
        <li key={href}>
          <a
            href={href}
            aria-current={props.slots
              // A mark in place of the value, replaced per request (components/shell_template.tsx).
              ? props.slots.current(i) as "page"
              : isCurrent(href, props.currentPath)
              ? "page"
              : undefined}
          >
            {label}
            {props.slots ? props.slots.count(i) : count ? <NavCount count={count} /> : null}
          </a>
        </li>
      ))}
    </ul>
  );
  return (
    <div class="app">
      <a class="skip-link" href="#main">{t("shell.skip_to_content")}</a>
      <header class="topbar">
        <details class="nav-disclosure">
          <summary aria-label={t("shell.menu")}>
            <MenuIcon />
          </summary>
          <nav aria-label={t("shell.sections_menu")}>{nav}</nav>
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
          aria-label={t("shell.search_landmark")}
        >
          <label for="global-search" class="visually-hidden">
            {t("shell.search_everything")}
          </label>
          <input
            id="global-search"
            type="search"
            name="q"
            placeholder={t("shell.search_placeholder")}
            value={props.searchQuery ?? ""}
          />
        </form>
        {props.assistant
          ? (
            <details class="ask-panel">
              <summary>
                {t("shell.ask")}
              </summary>
              <form method="post" action="/assistant" class="menu-panel ask-form">
                <CsrfInput token={props.csrfToken} />
                <label for="ask-message">
                  {t("shell.ask_about_business")}
                </label>
                <textarea
                  id="ask-message"
                  name="message"
                  rows={3}
                  required
                  maxLength={2000}
                  placeholder={t("shell.ask_placeholder")}
                />
                <button class="button primary small" type="submit">
                  {t("shell.ask")}
                </button>
              </form>
            </details>
          )
          : null}
        {props.userId
          ? (
            <Island
              name="NotificationBell"
              component={NotificationBell}
              props={{
                language,
                messages: messagesFor(language, ["bell.notifications", "bell.unread"]),
              }}
            />
          )
          : null}
        {props.userId
          ? (
            <Island
              name="CommandPalette"
              component={CommandPalette}
              props={{
                language,
                messages: (props.islandWords ?? ((m) => m))(
                  messagesFor(language, COMMAND_PALETTE_MESSAGES),
                ),
              }}
            />
          )
          : null}
        <a class="search-link" href="/search" aria-label={t("shell.search")}>
          <SearchIcon />
        </a>
        <details class="user-menu">
          <summary data-menu-toggle>
            <span class="avatar" aria-hidden="true">
              {props.slots ? props.slots.initial : avatarInitial(props.user.name)}
            </span>
            <span class="visually-hidden">{t("shell.account_menu")}</span>
            <span class="user-name">{props.user.name}</span>
          </summary>
          <div class="menu-panel">
            <p class="muted">
              {props.user.email}
              <br />
              {t("shell.role", { role: t(`role.${props.user.role}`) })}
            </p>
            <a href="/settings/profile">
              {t("shell.profile")}
            </a>
            <a href="/settings/tokens">
              {t("shell.api_tokens")}
            </a>
            {props.slots ? props.slots.workspaces : (
              <WorkspaceSwitcher
                workspaces={props.otherWorkspaces}
                csrfToken={props.csrfToken}
              />
            )}
            <form method="post" action="/logout">
              <CsrfInput token={props.csrfToken} />
              <button class="button link" type="submit">
                {t("shell.sign_out")}
              </button>
            </form>
          </div>
        </details>
      </header>
      {props.userId
        ? (
          <Island
            name="LiveUpdates"
            component={LiveUpdates}
            props={{
              userId: props.userId,
              language,
              messages: messagesFor(language, LIVE_UPDATES_MESSAGES),
            }}
          />
        )
        : null}
      {/* The installable app: its service worker, offline notice and queue (issue 17). */}
      {props.userId
        ? (
          <Island
            name="OfflineQueue"
            component={OfflineQueue}
            props={{
              userId: props.userId,
              language,
              messages: messagesFor(language, OFFLINE_QUEUE_MESSAGES),
            }}
          />
        )
        : null}
      <div class="layout">
        <nav class="sidebar" aria-label={t("shell.sections")}>
          {nav}
          <p class="product-name">{props.productName ?? "ProjectMeats"}</p>
        </nav>
        <main id="main" class="content">{props.banner}{props.children}</main>
      </div>
    </div>
  );
}

/** The navigation entries shown: the tenant's, or the built-in ones (the assistant where allowed). */
export function shellNavigation(
  props: Pick<AppShellProps, "navigation" | "assistant">,
): ReadonlyArray<{ href: string; label: string; count?: number }> {
  return props.navigation ?? NAV_SECTIONS.filter((s) => !s.assistant || props.assistant);
}

/** The letter in the user menu's avatar. */
export function avatarInitial(name: string): string {
  return name.slice(0, 1).toUpperCase();
}

/** A navigation entry's badge (approvals waiting on the member). */
export function NavCount(props: { count: number }) {
  return <span class="badge nav-count" data-count={props.count}>{props.count}</span>;
}

/** The user menu's buttons to the signed-in person's other workspaces (none: nothing). */
export function WorkspaceSwitcher(
  props: {
    workspaces?: ReadonlyArray<{ tenantId: string; name: string }>;
    csrfToken: string;
  },
) {
  const t = useT();
  if (!props.workspaces?.length) return null;
  return (
    <div
      class="workspace-switcher"
      role="group"
      aria-label={t("shell.switch_workspace")}
    >
      <p class="muted">{t("shell.switch_workspace")}</p>
      {props.workspaces.map((w) => (
        <form method="post" action="/auth/switch" key={w.tenantId}>
          <CsrfInput token={props.csrfToken} />
          <input type="hidden" name="tenant_id" value={w.tenantId} />
          <button class="button link" type="submit" data-switch-to={w.tenantId}>
            {w.name}
          </button>
        </form>
      ))}
    </div>
  );
}
