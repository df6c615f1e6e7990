/**
 * @module components/shell_template
 * The app shell (components/AppShell.tsx) rendered once per workspace look and kept as text, with
 * each request's own parts spliced in. Every HTML page of a workspace pays for the shell, and on
 * the mixed load its render was about half of the dashboard's time on the JavaScript thread: two
 * navigation lists in the tenant's words, the command palette's messages in the tenant's words,
 * four islands' props serialized, icons, some forty catalogue lookups (figures in
 * docs/benchmarks.md, mixed-load section, "The app shell kept as a template").
 *
 * What is kept depends only on the key's inputs: the workspace's configuration (by the identity
 * of the parsed document customization/cache.ts hands out, one object per distinct document, so
 * any saved change, a rename, a reorder, a rollback, is a new key), the reader's language, the
 * member's role, whether the plan lets the workspace ask the assistant, and whether a member is
 * signed in. Nothing of a member or a request is kept: the workspace's name, the member's name,
 * e-mail and id, the CSRF token, the search box's text, the current page's navigation entry, the
 * approvals count, the workspace switcher, the banners and the page itself are marks in the
 * template, filled per request and escaped as Preact escapes them. The CSP nonce is not in the
 * shell at all (framework/render.tsx writes it per page). Workspaces that kept the same
 * configuration share their templates.
 */
import type { ComponentChildren, VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { collectIslands, noteIslands } from "../framework/island.tsx";
import type { Language } from "../i18n/mod.ts";
import {
  AppShell,
  type AppShellProps,
  avatarInitial,
  isCurrent,
  NavCount,
  shellNavigation,
  WorkspaceSwitcher,
} from "./AppShell.tsx";

/** The shell's parts that differ per request or per member; never kept. */
type RequestPart =
  | "tenantName"
  | "user"
  | "currentPath"
  | "csrfToken"
  | "searchQuery"
  | "userId"
  | "otherWorkspaces"
  | "banner"
  | "children"
  | "slots";

/** What the shell shows the same for every request with one key (navigation without counts). */
export type ShellLook = Omit<AppShellProps, RequestPart>;

/** Everything the kept shell depends on; `look` must be a function of these alone. */
export interface ShellKey {
  /** The parsed configuration document (customization/cache.ts), or none when not loaded. */
  configuration: object | undefined;
  language: Language;
  role: string;
  /** Whether the plan and billing state let the workspace ask the assistant. */
  assistant: boolean;
}

export interface ShellRequest {
  key: ShellKey;
  /** The shell's look, computed only when no template is kept for the key. */
  look: () => ShellLook;
  /** Wraps a tree in the page's contexts (language and translator, the tenant's words). */
  provide: (node: ComponentChildren) => VNode;
  tenantName: string;
  user: { name: string; email: string; role: string };
  currentPath: string;
  csrfToken: string;
  searchQuery?: string;
  userId?: string;
  otherWorkspaces?: ReadonlyArray<{ tenantId: string; name: string }>;
  banner?: ComponentChildren;
  /** The badge of a navigation entry (approvals waiting on this member), by its href. */
  countOf?: (href: string) => number | undefined;
  children: ComponentChildren;
}

/** The shell's props as a plain render takes them (the look with this request's parts). */
export function shellProps(req: ShellRequest, look: ShellLook = req.look()): AppShellProps {
  const countOf = req.countOf;
  return {
    ...look,
    navigation: countOf
      ? shellNavigation(look).map((entry) => ({ ...entry, count: countOf(entry.href) }))
      : look.navigation,
    tenantName: req.tenantName,
    user: req.user,
    currentPath: req.currentPath,
    csrfToken: req.csrfToken,
    searchQuery: req.searchQuery,
    userId: req.userId,
    otherWorkspaces: req.otherWorkspaces,
    banner: req.banner,
    children: req.children,
  };
}

/** The shell and page rendered in full, as before templates (tests compare the two). */
export function renderShellDirect(req: ShellRequest): string {
  const props = shellProps(req);
  return renderToString(req.provide(<AppShell {...props} />));
}

interface Template {
  /** Text between the marks: `parts.length === holes.length + 1`. */
  parts: string[];
  holes: Hole[];
  /** The navigation entries' hrefs, for the current entry and the counts. */
  hrefs: string[];
  /** The islands the shell renders, in order. */
  islands: string[];
}

/** A part filled per request: an attribute (`attribute` its name) or HTML text. */
type Hole = { kind: string; index: number; attribute?: string };

/** Unique to this process, so no text a tenant or member writes can pose as a mark. */
const MARK = `pmslot${crypto.randomUUID().replaceAll("-", "")}`;
const mark = (kind: string, index = "") => `${MARK}${kind}${index}_`;
/** A mark standing for a whole attribute (Preact writes `value=""` as `value`), or for text. */
const HOLES = new RegExp(` ([a-z-]+)="${MARK}([a-z]+)(\\d*)_"|${MARK}([a-z]+)(\\d*)_`, "g");
const ATTRIBUTE_HOLES = new Set(["cur", "csrf", "search"]);

/** About 22 KB each (two-byte text): 500 stay near 11 MB; same-configuration workspaces share. */
const MAX_TEMPLATES = 500;
const templates = new Map<string, Template>();
const configurationIds = new WeakMap<object, number>();
let nextConfigurationId = 1;

function keyOf(key: ShellKey, signedIn: boolean): string {
  let id = 0;
  if (key.configuration) {
    id = configurationIds.get(key.configuration) ?? 0;
    if (!id) configurationIds.set(key.configuration, id = nextConfigurationId++);
  }
  return `${id}|${key.language}|${key.role}|${key.assistant ? 1 : 0}|${signedIn ? 1 : 0}`;
}

function buildTemplate(req: ShellRequest): Template {
  const look = req.look();
  const hrefs = shellNavigation(look).map((entry) => entry.href);
  const { result: html, islands } = collectIslands(() =>
    renderToString(req.provide(
      <AppShell
        {...look}
        tenantName={mark("tenant")}
        user={{ name: mark("name"), email: mark("email"), role: req.key.role }}
        userId={req.userId ? mark("userjson") : undefined}
        currentPath=""
        csrfToken={mark("csrf")}
        searchQuery={mark("search")}
        slots={{
          current: (i) => mark("cur", String(i)),
          count: (i) => mark("count", String(i)),
          initial: mark("initial"),
          workspaces: mark("workspaces"),
        }}
      >
        {mark("main")}
      </AppShell>,
    ))
  );
  const parts: string[] = [];
  const holes: Hole[] = [];
  let last = 0;
  for (const m of html.matchAll(HOLES)) {
    parts.push(html.slice(last, m.index));
    const hole = m[1] !== undefined
      ? { kind: m[2]!, index: m[3] ? Number(m[3]) : -1, attribute: m[1] }
      : { kind: m[4]!, index: m[5] ? Number(m[5]) : -1 };
    if (ATTRIBUTE_HOLES.has(hole.kind) !== (hole.attribute !== undefined)) {
      throw new Error(`The app shell's mark ${hole.kind} is not where it belongs`);
    }
    holes.push(hole);
    last = m.index + m[0].length;
  }
  parts.push(html.slice(last));
  return { parts, holes, hrefs, islands: [...islands] };
}

/** Escapes text and attribute values exactly as preact-render-to-string does. */
function escape(text: string): string {
  return text.replace(/["&<]/g, (ch) => ch === '"' ? "&quot;" : ch === "&" ? "&amp;" : "&lt;");
}

/** An attribute as Preact writes it: left out when undefined, bare when empty. */
function attribute(name: string, value: string | undefined): string {
  return value === undefined ? "" : value === "" ? ` ${name}` : ` ${name}="${escape(value)}"`;
}

function fill(t: Template, req: ShellRequest, hole: Hole): string {
  switch (hole.kind) {
    case "cur":
      return attribute(
        hole.attribute!,
        isCurrent(t.hrefs[hole.index]!, req.currentPath) ? "page" : undefined,
      );
    case "csrf":
      return attribute(hole.attribute!, req.csrfToken);
    case "search":
      return attribute(hole.attribute!, req.searchQuery ?? "");
    case "count": {
      const count = req.countOf?.(t.hrefs[hole.index]!);
      return count ? renderToString(<NavCount count={count} />) : "";
    }
    case "tenant":
      return escape(req.tenantName);
    case "name":
      return escape(req.user.name);
    case "email":
      return escape(req.user.email);
    case "initial":
      return escape(avatarInitial(req.user.name));
    case "userjson":
      return escape(JSON.stringify(req.userId ?? "").slice(1, -1));
    case "workspaces":
      return req.otherWorkspaces?.length
        ? renderToString(req.provide(
          <WorkspaceSwitcher workspaces={req.otherWorkspaces} csrfToken={req.csrfToken} />,
        ))
        : "";
    case "main":
      return renderToString(req.provide(<>{req.banner}{req.children}</>));
  }
  throw new Error(`The app shell's template has an unknown mark: ${hole.kind}`);
}

/**
 * The app shell around the page, from the template kept for the request's key (built on first
 * use, up to 500 kept, least recently used dropped); the same HTML as `renderShellDirect`.
 */
export function renderShell(req: ShellRequest): string {
  const key = keyOf(req.key, Boolean(req.userId));
  let template = templates.get(key);
  if (template) {
    templates.delete(key);
  } else {
    template = buildTemplate(req);
    if (templates.size >= MAX_TEMPLATES) templates.delete(templates.keys().next().value!);
  }
  templates.set(key, template);
  noteIslands(template.islands);
  let html = template.parts[0]!;
  for (let i = 0; i < template.holes.length; i++) {
    html += fill(template, req, template.holes[i]!) + template.parts[i + 1]!;
  }
  return html;
}

/** How many templates are kept (tests). */
export function keptShellTemplates(): number {
  return templates.size;
}
