import { can, type Permission, type Role } from "../auth/roles.ts";
import { T } from "./Words.tsx";

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
  { href: "/settings/plugins", label: "Plugins" },
  { href: "/settings/billing", label: "Billing" },
  { href: "/settings/jobs", label: "Jobs", permission: "settings:manage" },
  { href: "/settings/sso", label: "Single sign-on", ownersOnly: true },
  { href: "/settings/security", label: "Security", permission: "settings:manage" },
  { href: "/settings/data", label: "Your data", permission: "workspace:data" },
];

/** Tabs of the settings area, without those the signed-in member's role may not open. */
export function SettingsNav(props: { current: string; role: Role | null }) {
  const { role } = props;
  const tabs = TABS.filter((t) =>
    (!t.permission || (role !== null && can(role, t.permission))) &&
    (!t.ownersOnly || role === "owner")
  );
  return (
    <nav class="tabs" aria-label="Settings">
      {tabs.map(({ href, label }) => (
        <a key={href} href={href} aria-current={props.current === href ? "page" : undefined}>
          <T>{label}</T>
        </a>
      ))}
    </nav>
  );
}
