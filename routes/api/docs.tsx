/**
 * @module routes/api/docs
 * `GET /api/openapi.json` (the OpenAPI 3.1 document, on any host) and `GET /api/docs`, the API
 * reference: every operation with its parameters and body schema, and a console to try calls
 * as the signed-in user. The document is generated from the app's own routes: each API route
 * declares itself with `describeRoute` (http/openapi.ts) beside its handler.
 */
import { Hono } from "hono";
import type { RouterRoute } from "hono/types";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { buildOpenApiDocument } from "../../http/openapi.ts";
import { renderApp, renderPublic } from "../../http/page.tsx";
import { Island } from "../../framework/island.tsx";
import ApiConsole from "../../islands/ApiConsole.tsx";
import { scopesNeeded } from "../../auth/scopes.ts";

type Json = Record<string, unknown>;

const DESCRIPTION = "Every call is made on a workspace's own host. Authenticate with " +
  "`Authorization: Bearer <token>` (create a token in Settings → API tokens or with " +
  "`POST /api/v1/auth/tokens`). A token may be limited to scopes and IP addresses: each " +
  "operation names the scopes it needs, and a call outside them answers 403 with the reason in " +
  "`error.details.reason`. Money is in integer cents; weights carry their unit; dates are " +
  "`YYYY-MM-DD` in the workspace's time zone. Errors are " +
  "`{ error: { code, message, details } }`, with per-field messages in `details` for 400 and 422.";

const TAGS: Record<string, string> = {
  Account: "Signing in and out, passwords, e-mail confirmation, API tokens and signup.",
  Members: "The people of a workspace: members, roles and invitations.",
  Settings: "Option lists, custom domains and the configuration document (branding and theme).",
  Documents: "Uploaded paperwork, read by the document reader, reviewed and accepted.",
  Assistant: "Questions about the business in plain words.",
  Search: "One search across every record.",
  Reports: "Margin and receivables aging.",
  Billing: "The plan, its entitlements and this month's usage.",
  Security: "The workspace's security audit log and the check of its hash chain.",
  "Live updates": "What changes in the workspace as it happens: server-sent events or polling.",
  Notifications: "Your notifications, their unread count and your preferences per event.",
  Activity: "Notes, calls and follow-ups on a record, and its whole timeline.",
  "Workspace data":
    "Exports of the whole workspace with their download links, and the workspace's deletion.",
};

/**
 * Names on each authenticated operation the scopes a scoped token needs (auth/scopes.ts), as the
 * bearer requirement's list (OpenAPI 3.1 allows one for any scheme); `x-scoped-tokens: false`
 * marks the calls only a full-access token or a session may make.
 */
function withTokenScopes(doc: Json): Json {
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (op.security) continue; // callable without credentials
      const need = scopesNeeded(method.toUpperCase(), path.replace(/\{\w+\}/g, "x"));
      if (need === "closed") op["x-scoped-tokens"] = false;
      else if (need !== "open") op.security = [{ bearer: need.scopes }];
    }
  }
  return doc;
}

/** The OpenAPI document of the described routes among `routes`, for an app domain. */
export function openApiDocument(routes: readonly RouterRoute[], appDomain: string): Json {
  return withTokenScopes(buildOpenApiDocument(routes, {
    title: "ProjectMeats API",
    version: "1",
    description: DESCRIPTION,
    license: { name: "Proprietary" },
    servers: [{
      url: `https://{workspace}.${appDomain}`,
      description: "Your workspace's host",
      variables: { workspace: { default: "demo", description: "The workspace's address" } },
    }],
    tags: TAGS,
  }));
}

/** Text with Markdown `code` spans shown as code. */
function Prose(props: { text: string }) {
  return <>{props.text.split("`").map((part, i) => i % 2 ? <code key={i}>{part}</code> : part)}</>;
}

/** What a scoped token needs for an operation, from `withTokenScopes`. */
function TokenScopes(props: { op: Json }) {
  const scopes = (props.op.security as Array<{ bearer?: string[] }> | undefined)?.[0]?.bearer;
  if (props.op["x-scoped-tokens"] === false) {
    return <p class="muted">Token scopes: needs a full-access token or a session.</p>;
  }
  if (!scopes?.length) return null;
  return (
    <p class="muted">
      Token scopes: {scopes.flatMap((s, i) => [i ? ", " : "", <code key={s}>{s}</code>])}
    </p>
  );
}

function Reference(props: { doc: Json }) {
  const paths = props.doc.paths as Record<string, Record<string, Json>>;
  const shared = ((props.doc.components as Json).parameters ?? {}) as Record<string, Json>;
  const byTag = new Map<string, Array<{ method: string; path: string; op: Json }>>();
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (method === "parameters") continue;
      const tag = ((op.tags as string[] | undefined) ?? ["Other"])[0]!;
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method: method.toUpperCase(), path, op }]);
    }
  }
  return (
    <div class="api-reference">
      <p>
        <Prose text={String((props.doc.info as Json).description)} />{" "}
        The machine-readable document is at <a href="/api/openapi.json">/api/openapi.json</a>.
      </p>
      <nav class="tabs" aria-label="API sections">
        {[...byTag.keys()].map((tag) => (
          <a key={tag} href={`#${tag.toLowerCase().replace(/\W+/g, "-")}`}>{tag}</a>
        ))}
      </nav>
      {[...byTag].map(([tag, ops]) => (
        <section class="card" key={tag} id={tag.toLowerCase().replace(/\W+/g, "-")}>
          <h2>{tag}</h2>
          {ops.map(({ method, path, op }) => {
            const params = ((op.parameters as Json[] | undefined) ?? []).map((p) =>
              typeof p.$ref === "string" ? shared[p.$ref.split("/").pop()!] ?? p : p
            );
            const content = (op.requestBody as Json | undefined)?.content as
              | Record<string, Json>
              | undefined;
            const [bodyType, body] = Object.entries(content ?? {})[0] ?? [];
            return (
              <details key={method + path} class="api-op">
                <summary>
                  <code class={`method method-${method.toLowerCase()}`}>{method}</code>{" "}
                  <code>{path}</code>{" "}
                  <span class="muted">
                    <Prose text={String(op.summary ?? "")} />
                  </span>
                </summary>
                {op.description
                  ? (
                    <p>
                      <Prose text={String(op.description)} />
                    </p>
                  )
                  : null}
                <TokenScopes op={op} />
                {params.length
                  ? (
                    <table>
                      <caption>Parameters</caption>
                      <tbody>
                        {params.map((p) => (
                          <tr key={String(p.name)}>
                            <th scope="row">
                              <code>{String(p.name)}</code>
                            </th>
                            <td>{String(p.in)}</td>
                            <td>
                              <Prose text={String(p.description ?? "")} />
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )
                  : null}
                {body
                  ? (
                    <>
                      <p>
                        Body (<code>{bodyType}</code>)
                      </p>
                      <pre>{JSON.stringify(body.schema, null, 2)}</pre>
                    </>
                  )
                  : null}
              </details>
            );
          })}
        </section>
      ))}
    </div>
  );
}

/**
 * The reference routes of an app; `routes` answers the app's routes once they are all added.
 * The document is built once per app domain (a process serves one; tests use several).
 */
export function apiDocsRoutes(
  routes: () => readonly RouterRoute[],
  /** The document as one tenant's API answers it (its custom fields), on its own host. */
  tenantDocument?: (c: AppContext, doc: Json) => Promise<Json | null>,
): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const documents = new Map<string, Json>();
  const documentFor = (appDomain: string): Json => {
    let doc = documents.get(appDomain);
    if (!doc) documents.set(appDomain, doc = openApiDocument(routes(), appDomain));
    return doc;
  };

  app.get("/api/openapi.json", async (c) => {
    const shared = documentFor(c.get("services").config.APP_DOMAIN);
    const own = await tenantDocument?.(c, shared);
    c.header("cache-control", own ? "private, max-age=60" : "public, max-age=300");
    return c.json(own ?? shared);
  });

  app.get("/api/docs", (c) => {
    const doc = documentFor(c.get("services").config.APP_DOMAIN);
    if (c.get("site") === "tenant" && c.get("auth")) {
      return renderApp(
        c,
        "API reference",
        <>
          <h1>API reference</h1>
          <section class="card">
            <h2>Try it</h2>
            <Island
              name="ApiConsole"
              component={ApiConsole}
              props={{ csrf: c.get("csrfToken"), path: "/api/v1/purchase-orders?limit=5" }}
            />
          </section>
          <Reference doc={doc} />
        </>,
      );
    }
    return renderPublic(
      c,
      "API reference",
      <>
        <h1>ProjectMeats API reference</h1>
        <Reference doc={doc} />
      </>,
    );
  });

  return app;
}
