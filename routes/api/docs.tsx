/**
 * @module routes/api/docs
 * `GET /api/openapi.json` (the OpenAPI 3.1 document, on any host) and `GET /api/docs`, the API
 * reference: every operation with its parameters and body schema, and a console to try calls
 * as the signed-in user.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import { openApiDocument } from "../../http/openapi.ts";
import { renderApp, renderPublic } from "../../http/page.tsx";
import { Island } from "../../framework/island.tsx";
import ApiConsole from "../../islands/ApiConsole.tsx";

type Json = Record<string, unknown>;

const app = new Hono<AppEnv>();

app.get("/api/openapi.json", (c) => {
  c.header("cache-control", "public, max-age=300");
  return c.json(openApiDocument(c.get("services").config.APP_DOMAIN));
});

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
        {String((props.doc.info as Json).description)} The machine-readable document is at{" "}
        <a href="/api/openapi.json">/api/openapi.json</a>.
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
            const schema = ((op.requestBody as Json | undefined)?.content as Json | undefined)
              ?.["application/json"] as Json | undefined;
            return (
              <details key={method + path} class="api-op">
                <summary>
                  <code class={`method method-${method.toLowerCase()}`}>{method}</code>{" "}
                  <code>{path}</code> <span class="muted">{String(op.summary ?? "")}</span>
                </summary>
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
                            <td>{String(p.description ?? "")}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )
                  : null}
                {schema
                  ? (
                    <>
                      <p>Body</p>
                      <pre>{JSON.stringify(schema.schema, null, 2)}</pre>
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

app.get("/api/docs", (c) => {
  const doc = openApiDocument(c.get("services").config.APP_DOMAIN);
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

export default app;
