import { can, type Permission, type Role } from "../auth/roles.ts";
import { useT } from "./Words.tsx";

/** Tabs of the settings area; a tab with a permission is one only that permission may open. */
const TABS: ReadonlyArray<
  { href: string; label: string; permission?: Permission; ownersOnly?: true }
> = [
  { href: "/settings/profile", label: "Profile" },
  { href: "/settings/company", label: "Company", permission: "settings:manage" },
  { href: "/settings/configuration", label: "Configuration", permission: "settings:manage" },
  { href: "/settings/members", label: "Members" },
  { href: "/settings/tokens", label: "API tokens" },
  { href: "/settings/option-lists", label: "Option lists" },
  { href: "/settings/domains", label: "Domain" },
  { href: "/settings/webhooks", label: "Webhooks", permission: "settings:manage" },
  { href: "/settings/alerts", label: "Alerts", permission: "settings:manage" },
  { href: "/settings/plugins", label: "Plugins" },
  { href: "/settings/billing", label: "Billing" },
  { href: "/settings/jobs", label: "Jobs", permission: "settings:manage" },
  { href: "/settings/documents", label: "Documents", permission: "settings:manage" },
  { href: "/settings/sso", label: "Single sign-on", ownersOnly: true },
  { href: "/settings/payments", label: "Payments", ownersOnly: true },
  { href: "/settings/exchange-rates", label: "Exchange rates", permission: "money:write" },
  { href: "/settings/security", label: "Security", permission: "settings:manage" },
  { href: "/settings/data", label: "Your data", permission: "workspace:data" },
];

/** A tab's name in the reader's language (key `settings.tab.<last part of its address>`). */
function tabLabel(t: (key: string) => string, href: string, label: string): string {
  const key = `settings.tab.${href.slice(href.lastIndexOf("/") + 1).replaceAll("-", "_")}`;
  const text = t(key);
  return text === key ? label : text;
}

/** Tabs of the settings area, without those the signed-in member's role may not open. */
export function SettingsNav(props: { current: string; role: Role | null }) {
  const { role } = props;
  const tabs = TABS.filter((t) =>
    (!t.permission || (role !== null && can(role, t.permission))) &&
    (!t.ownersOnly || role === "owner")
  );
  const t = useT();
  return (
    <nav class="tabs" aria-label={t("settings.tabs")}>
      {tabs.map(({ href, label }) => (
        <a key={href} href={href} aria-current={props.current === href ? "page" : undefined}>
          {tabLabel(t, href, label)}
        </a>
      ))}
    </nav>
  );
}
