/**
 * @module framework/island
 * Marks a component from `islands/` for hydration. On the server it renders the component's HTML
 * inside `<pm-island data-island="Name" data-props="{...}">` and notes that the page uses it; the
 * page then loads that island's module, which hydrates the same markup with the same props.
 * Props must be JSON-serializable: islands are leaves that talk to the server through the API.
 */
import type { ComponentType, JSX } from "preact";

/** Islands used by the page being rendered (rendering is synchronous, so one set suffices). */
let collecting: Set<string> | null = null;

/** Runs `render` while recording which islands it uses. */
export function collectIslands<T>(render: () => T): { result: T; islands: Set<string> } {
  const previous = collecting;
  const islands = new Set<string>();
  collecting = islands;
  try {
    return { result: render(), islands };
  } finally {
    collecting = previous;
  }
}

/**
 * Records islands of markup rendered earlier and kept as text (components/shell_template.ts), so
 * the page still loads them; in the order they were first rendered.
 */
export function noteIslands(names: Iterable<string>): void {
  if (!collecting) return;
  for (const name of names) collecting.add(name);
}

export interface IslandProps<P> {
  /** The file name in islands/ without `.tsx`. */
  name: string;
  component: ComponentType<P>;
  props: P;
}

/** Server-renders an island and registers it for hydration. */
export function Island<P extends Record<string, unknown>>(
  { name, component: Component, props }: IslandProps<P>,
): JSX.Element {
  collecting?.add(name);
  // preact-render-to-string escapes attribute values, so props cannot break out of data-props.
  return (
    <pm-island data-island={name} data-props={JSON.stringify(props)}>
      <Component {...props} />
    </pm-island>
  );
}

declare module "preact" {
  namespace JSX {
    interface IntrinsicElements {
      "pm-island": JSX.HTMLAttributes<HTMLElement> & {
        "data-island": string;
        "data-props": string;
      };
    }
  }
}
