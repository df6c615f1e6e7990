/** @module components/Icons Inline SVG icons (no icon font, no CDN). */

const base = {
  width: 20,
  height: 20,
  viewBox: "0 0 24 24",
  fill: "none",
  stroke: "currentColor",
  "stroke-width": 2,
  "stroke-linecap": "round",
  "stroke-linejoin": "round",
  "aria-hidden": "true",
} as const;

/** A three-line menu icon. */
export function MenuIcon() {
  return (
    <svg {...base}>
      <path d="M4 6h16M4 12h16M4 18h16" />
    </svg>
  );
}

/** The product mark: a simple cleaver-like shape. */
export function LogoMark() {
  return (
    <svg {...base} width={24} height={24}>
      <path d="M4 14l8-10h8v8l-10 8z" />
      <circle cx="16" cy="8" r="1.5" />
    </svg>
  );
}

/** A magnifying glass (the search link on narrow screens). */
export function SearchIcon() {
  return (
    <svg
      width="20"
      height="20"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
    >
      <circle cx="11" cy="11" r="7" />
      <path d="M20 20l-3.5-3.5" />
    </svg>
  );
}
