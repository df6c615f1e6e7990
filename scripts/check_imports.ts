/**
 * @module scripts/check_imports
 * Dependencies point one way (docs/architecture.md): a module imports from its own layer or a
 * lower one, never upward, no two modules import each other through a cycle, and a route file
 * imports no other route file but a `_private.ts` helper beside or above it. Run by
 * `deno task imports` (part of `deno task ok`) and by CI. Reads the project's own relative
 * imports (static `import`/`export ... from`); tests, benchmarks and scripts are exempt.
 *
 * Prints each violation with the import that causes it and exits 1 when there is any that is not
 * on the KNOWN list below. KNOWN entries are debts written down, not permissions: the check also
 * fails when one of them no longer occurs, so the list only ever shrinks.
 */
import { walk } from "./_walk.ts";

/** Layers from the bottom up; the longest matching prefix names a file's layer. */
export const LAYERS: ReadonlyArray<{ name: string; paths: string[] }> = [
  // The logger and the rate limiter are plain utilities with nothing of HTTP in them.
  // http/ip_group.ts: the key a client address is counted under (IPv6 by its /64), no HTTP in it.
  {
    name: "configuration",
    paths: ["config.ts", "http/log.ts", "http/rate_limit.ts", "http/ip_group.ts"],
  },
  // crypto/: the master key, wrapped data keys and their derivations (encryption at rest).
  { name: "storage", paths: ["db/", "storage/", "crypto/"] },
  {
    name: "business",
    // Roles and the job queue's rows are facts the business rules need, with no HTTP in them.
    // customization/document/: the tenant configuration's schema, diff, theme and store (pure).
    // i18n/: the message catalogues and the user's saved language (pure but for that one query).
    paths: [
      "domain/",
      "mail/",
      "auth/roles.ts",
      "workers/queue.ts",
      "customization/document/",
      "i18n/",
    ],
  },
  {
    name: "capabilities",
    paths: [
      "auth/",
      "billing/",
      "ai/",
      "assistant/",
      "paperwork/",
      "tenants/",
      "workers/",
      "help/",
      "security/",
      "ops/",
      "data_rights/",
      "customization/",
      // plugins/api (the manifest, the API version) and plugins/host (sandbox, host API, lifecycle).
      "plugins/",
      "notifications/",
      // integrations/webhooks: outbound webhooks (endpoints, signing, delivery).
      "integrations/",
      // portal/: the customer invoice portal's links, views, payments and disputes.
      "portal/",
    ],
  },
  {
    name: "web",
    paths: [
      "http/",
      "framework/",
      "components/",
      "islands/",
      // Hono middleware and pages that live beside their capability.
      "auth/middleware.ts",
      "auth/cookies.ts",
      "auth/handoff_cookie.ts",
      "auth/csrf.ts",
      "billing/middleware.ts",
      "billing/refusal_page.tsx",
      "tenants/middleware.ts",
      "customization/middleware.ts",
      "i18n/middleware.ts",
      // Reads who and where from the request (security/chain.ts below it needs no HTTP).
      "security/events.ts",
      // The public origin of the site a request reached, for links in mail: read from the request.
      "mail/links.ts",
    ],
  },
  { name: "routes", paths: ["routes/"] },
  // Entry points: the server, the worker process and the command-line tools build Services.
  {
    name: "composition",
    paths: ["services.ts", "commit_watchers.ts", "app.ts", "main.ts", "workers/main.ts"],
  },
  // Tests and benchmarks sit on top: nothing the app runs may import them.
  { name: "tests", paths: ["tests/", "bench/", "scripts/"] },
];

const ENTRY_POINT = /(^|\/)(cli|[a-z_]+_cli)\.ts$/;

/** Upward imports and cycles still to be removed (see docs/architecture.md, "Known debts"). */
export const KNOWN: ReadonlySet<string> = new Set<string>([]);

/** Modules whose own imports are not checked (they may import anything, nothing imports them). */
const EXEMPT = [/_test\.tsx?$/, /^tests\//, /^bench\//, /^scripts\//];

/** The layer index of a project path, or -1 when no layer names it. */
export function layerOf(path: string): number {
  if (ENTRY_POINT.test(path)) return LAYERS.findIndex((l) => l.name === "composition");
  let best = -1;
  let bestLength = -1;
  LAYERS.forEach((layer, index) => {
    for (const prefix of layer.paths) {
      const hit = prefix.endsWith("/") ? path.startsWith(prefix) : path === prefix;
      if (hit && prefix.length > bestLength) (best = index), (bestLength = prefix.length);
    }
  });
  return best;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s(type\s)?(?:[^"';]*?\sfrom\s)?["'](\.{1,2}\/[^"']+)["']/g;

/** The project-relative paths a source file imports, and whether only types are imported. */
export function importsOf(
  path: string,
  source: string,
): Array<{ path: string; typeOnly: boolean }> {
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
  return [...source.matchAll(IMPORT)].map((m) => ({
    path: normalize(`${dir}/${m[2]}`),
    typeOnly: Boolean(m[1]),
  }));
}

/**
 * `Services` is the context object every capability is handed (services.ts builds it once at the
 * top); naming its type is allowed anywhere, creating or reaching into the module is not.
 */
const TYPE_ONLY_ANYWHERE = new Set(["services.ts"]);

function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return out.join("/");
}

/**
 * A route file answers URLs; what two of them share belongs below them (request helpers in
 * `http/`, business facts in `domain/`). The one exception is a private helper of the routes
 * beside it: a `_name.ts(x)` in the importer's folder or a folder above it inside `routes/`
 * (Deno style: `_` marks a module private to its folder). Nothing outside routes/ is concerned.
 */
export function routeMayImport(path: string, target: string): boolean {
  if (!path.startsWith("routes/") || !target.startsWith("routes/")) return true;
  const slash = target.lastIndexOf("/");
  const [folder, name] = [target.slice(0, slash + 1), target.slice(slash + 1)];
  return name.startsWith("_") && path.startsWith(folder);
}

/** Upward imports, route files importing route files, and import cycles among `files`. */
export function violations(files: Map<string, string>): string[] {
  const graph = new Map<string, string[]>();
  const found: string[] = [];
  for (const [path, source] of files) {
    if (EXEMPT.some((re) => re.test(path))) continue;
    const imports = importsOf(path, source).filter((t) => files.has(t.path));
    // Type-only imports count too: two modules that name each other's types are one module.
    graph.set(path, imports.map((t) => t.path));
    const from = layerOf(path);
    for (const { path: target } of imports) {
      if (!routeMayImport(path, target)) found.push(`route imports route: ${path} -> ${target}`);
    }
    for (const { path: target, typeOnly } of imports) {
      if (typeOnly && TYPE_ONLY_ANYWHERE.has(target)) continue;
      const to = layerOf(target);
      if (from >= 0 && to > from) {
        found.push(`upward: ${path} (${LAYERS[from]!.name}) -> ${target} (${LAYERS[to]!.name})`);
      }
    }
  }
  for (const cycle of cycles(graph)) found.push(`cycle: ${cycle.join(" -> ")}`);
  return found.sort();
}

/** Each elementary cycle once, found by Tarjan's strongly connected components. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const out: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return out;
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname;
  const files = new Map<string, string>();
  for await (const path of walk(root)) files.set(path, await Deno.readTextFile(root + path));
  const found = violations(files);
  const unknown = found.filter((v) => !KNOWN.has(v));
  const gone = [...KNOWN].filter((v) => !found.includes(v));
  for (const v of unknown) console.error(v);
  for (const v of gone) console.error(`no longer occurs (remove it from KNOWN): ${v}`);
  if (unknown.length || gone.length) Deno.exit(1);
  console.log(`imports: ${files.size} modules, dependencies point one way, no cycles.`);
}
