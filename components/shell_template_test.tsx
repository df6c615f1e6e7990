import assert from "node:assert/strict";
import type { ComponentChildren } from "preact";
import { renderShell, renderShellDirect, type ShellRequest } from "./shell_template.tsx";
import { LanguageContext, WordsContext } from "./Words.tsx";
import { collectIslands, Island } from "../framework/island.tsx";
import { renderPageOf } from "../framework/render.tsx";
import { type Language, messagesFor, workspaceTranslator, workspaceWords } from "../i18n/mod.ts";
import { messagesInWords, navigation, words } from "../customization/terms.ts";
import { type Configuration, ConfigurationSchema } from "../customization/document/schema.ts";

/** A parsed configuration as customization/cache.ts hands it out (one object per document). */
function configuration(terminology: Record<string, unknown> = {}, branding = {}): Configuration {
  return ConfigurationSchema.parse({ terminology, branding });
}

const renamed = configuration({
  record_types: {
    loads: {
      singular: "Shipment",
      plural: "Shipments",
      languages: { es: { singular: "Envío", plural: "Envíos", gender: "masculine" } },
    },
  },
  navigation_order: ["dashboard", "loads", "invoices"],
}, { product_name: `Meat & "Co" <HQ>` });

interface Member {
  name: string;
  email: string;
  userId?: string;
  otherWorkspaces?: Array<{ tenantId: string; name: string }>;
}

const olive: Member = { name: "Olive Owner", email: "olive@a.example", userId: "01OLIVE" };
const tricky: Member = {
  name: `ñ O'Brien <b>&amp; "x"`,
  email: `q"<&@b.example`,
  userId: `01\\"<TRICKY>&`,
  otherWorkspaces: [{ tenantId: "t2", name: `Other <&> "Foods"` }],
};

/** A shell request as http/page.tsx builds it. */
function request(opts: {
  config?: Configuration;
  language?: Language;
  role?: string;
  assistant?: boolean;
  member?: Member;
  tenantName?: string;
  path?: string;
  csrf?: string;
  search?: string;
  approvals?: number;
  banner?: ComponentChildren;
  body?: ComponentChildren;
}): ShellRequest {
  const config = opts.config;
  const language = opts.language ?? "en";
  const member = opts.member ?? olive;
  const englishWords = (text: string) => words(config, text);
  const phrases = config?.terminology.phrases ?? {};
  const t = workspaceTranslator(language, phrases, englishWords);
  const tenantWords = workspaceWords(language, phrases, englishWords);
  const role = opts.role ?? "owner";
  const assistant = opts.assistant ?? true;
  return {
    key: { configuration: config, language, role, assistant },
    look: () => ({
      navigation: navigation(config, language)
        .filter((entry) => assistant || entry.key !== "assistant")
        .map((entry) => ({ href: entry.href, label: entry.label })),
      productName: config?.branding.product_name,
      logoUrl: config ? "/brand/logo.png" : null,
      islandWords: (messages) =>
        messagesInWords(config, messages, messagesFor("en", Object.keys(messages)), language),
      assistant,
    }),
    provide: (node) => (
      <LanguageContext.Provider value={{ language, t }}>
        <WordsContext.Provider value={tenantWords}>{node}</WordsContext.Provider>
      </LanguageContext.Provider>
    ),
    tenantName: opts.tenantName ?? "Acme Foods",
    user: { name: member.name, email: member.email, role },
    userId: member.userId,
    otherWorkspaces: member.otherWorkspaces,
    currentPath: opts.path ?? "/",
    csrfToken: opts.csrf ?? "csrf-one",
    searchQuery: opts.search,
    banner: opts.banner,
    countOf: (href) => href === "/approvals" ? opts.approvals : undefined,
    children: opts.body ?? <p>The page</p>,
  };
}

/** Renders both ways, asserting the same HTML and the same islands in the same order. */
function bothWays(req: ShellRequest): string {
  const direct = collectIslands(() => renderShellDirect(req));
  const kept = collectIslands(() => renderShell(req));
  assert.equal(kept.result, direct.result);
  assert.deepEqual([...kept.islands], [...direct.islands]);
  return kept.result;
}

Deno.test("renderShell() gives the same HTML as a full render for many workspaces, members, languages and roles", () => {
  const configs = [undefined, configuration(), renamed];
  let compared = 0;
  for (const config of configs) {
    for (const language of ["en", "es"] as const) {
      for (const role of ["owner", "viewer", "accountant"]) {
        for (const [i, member] of [olive, tricky, { name: "", email: "e@x" }].entries()) {
          // The first call builds the template, the others fill it with other requests' parts.
          for (const path of ["/", "/loads/01ABC", "/search", "/settings/profile"]) {
            bothWays(request({
              config,
              language,
              role,
              member,
              assistant: i !== 2,
              path,
              tenantName: i === 1 ? `Ñandú <&> "Meats"` : "Acme Foods",
              csrf: `csrf-${path}-${i}`,
              search: path === "/search" ? `ribeye <"&">` : undefined,
              approvals: i === 0 ? 3 : undefined,
              banner: i === 1 ? <div role="status">Read only</div> : undefined,
              body: (
                <section>
                  {`Body of ${path}`}
                  <Island name="PageProbe" component={PageProbe} props={{ path }} />
                </section>
              ),
            }));
            compared++;
          }
        }
      }
    }
  }
  assert.deepEqual(compared, 3 * 2 * 3 * 3 * 4);
});

/** An island inside the page, so the page's islands follow the shell's. */
function PageProbe(props: { path: string }) {
  return <span>{props.path}</span>;
}

Deno.test("renderShell() shows a renamed type, a language, a role, a plan and a reorder at once", () => {
  const base = bothWays(request({ config: configuration() }));
  assert(base.includes(">Loads<"));
  const renamedHtml = bothWays(request({ config: renamed }));
  assert(renamedHtml.includes(">Shipments<") && !renamedHtml.includes(">Loads<"));
  // Reordered: loads right after the dashboard, before purchase orders.
  assert(renamedHtml.indexOf('href="/loads"') < renamedHtml.indexOf('href="/purchase-orders"'));
  assert(base.indexOf('href="/loads"') > base.indexOf('href="/purchase-orders"'));
  const spanish = bothWays(request({ config: renamed, language: "es" }));
  assert(spanish.includes(">Envíos<"));
  assert.notEqual(spanish, renamedHtml);
  const viewer = bothWays(request({ config: renamed, role: "viewer" }));
  assert.notEqual(viewer, renamedHtml);
  const noAssistant = bothWays(request({ config: renamed, assistant: false }));
  assert(
    renamedHtml.includes('action="/assistant"') && !noAssistant.includes('action="/assistant"'),
  );
  // The same inputs again answer the first look, not the last one rendered.
  assert.deepEqual(bothWays(request({ config: configuration() })), base);
});

Deno.test("renderShell() fills each request's CSRF token, member and page, keeping none of them", () => {
  const first = bothWays(
    request({ config: renamed, member: tricky, csrf: "token-AAA", path: "/loads" }),
  );
  const second = bothWays(
    request({ config: renamed, member: olive, csrf: "token-BBB", path: "/" }),
  );
  assert(first.includes('value="token-AAA"') && !first.includes("token-BBB"));
  assert(second.includes('value="token-BBB"') && !second.includes("token-AAA"));
  // Nothing of the first member reaches the second one's page.
  for (const text of ["O&#39;Brien", "O'Brien", "TRICKY", "Other &lt;&amp;>", "/auth/switch"]) {
    assert(!second.includes(text), text);
  }
  assert(first.includes('href="/loads" aria-current="page"'));
  assert(
    second.includes('href="/" aria-current="page"') && !second.includes('/loads" aria-current'),
  );
});

Deno.test("renderPageOf() writes each request's CSP nonce around a kept shell", () => {
  const page = (nonce: string) =>
    renderPageOf(() => renderShell(request({ config: renamed })), {
      title: "Dashboard",
      nonce,
      assets: {
        islands: new Proxy({}, { get: (_, name) => `/islands/${String(name)}.js` }),
        css: "/app.css",
      },
    });
  const a = page("nonce-one");
  const b = page("nonce-two");
  assert(a.includes('nonce="nonce-one"') && !a.includes("nonce-two"));
  assert(b.includes('nonce="nonce-two"') && !b.includes("nonce-one"));
  // The kept shell's islands are still hydrated.
  assert(b.includes("NotificationBell") && b.includes("LiveUpdates"));
});
