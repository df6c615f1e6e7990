/** Tabs of the settings area. */
export function SettingsNav(props: { current: string }) {
  const tabs = [
    ["/settings/profile", "Profile"],
    ["/settings/members", "Members"],
    ["/settings/tokens", "API tokens"],
    ["/settings/option-lists", "Option lists"],
    ["/settings/domains", "Domain"],
    ["/settings/billing", "Billing"],
    ["/settings/jobs", "Jobs"],
  ] as const;
  return (
    <nav class="tabs" aria-label="Settings">
      {tabs.map(([href, label]) => (
        <a key={href} href={href} aria-current={props.current === href ? "page" : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}
