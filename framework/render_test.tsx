import assert from "node:assert/strict";
import { renderPage } from "./render.tsx";
import { Island } from "./island.tsx";
import CopyButton from "../islands/CopyButton.tsx";

const assets = { islands: { CopyButton: "/_islands/CopyButton-abc.js" }, css: "/static/app-1.css" };

Deno.test("renderPage() ships no script for a page without islands", () => {
  const html = renderPage(
    <main>
      <h1>Plain</h1>
    </main>,
    { title: "T", nonce: "n1", assets },
  );
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<title>T<\/title>/);
  assert.match(html, /href="\/static\/app-1\.css"/);
  assert.doesNotMatch(html, /<script/);
});

Deno.test("renderPage() server-renders an island and adds one nonced boot module for it", () => {
  const html = renderPage(
    <main>
      <Island name="CopyButton" component={CopyButton} props={{ text: "a</script><b>" }} />
      <Island name="CopyButton" component={CopyButton} props={{ text: "second" }} />
    </main>,
    { title: "T", nonce: "n2", assets },
  );
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.match(
    html,
    /<script type="module" nonce="n2">import m0 from "\/_islands\/CopyButton-abc\.js"/,
  );
  assert.match(html, /data-island="CopyButton"/);
  assert.match(html, /<button/, "the island's HTML is rendered on the server");
  assert.doesNotMatch(html, /a<\/script><b>/, "props cannot close the script or inject markup");
  assert.match(html, /data-props="{&quot;text&quot;:&quot;a&lt;\/script>&lt;b>&quot;}"/);
});

Deno.test("renderPage() refuses an island that was not built", () => {
  assert.throws(
    () =>
      renderPage(<Island name="Missing" component={() => <p />} props={{}} />, {
        title: "T",
        nonce: "n",
        assets,
      }),
    /Missing is not built/,
  );
});

Deno.test("renderPage() escapes the title", () => {
  const html = renderPage(<p />, { title: "<b>x</b>", nonce: "n", assets });
  assert.match(html, /<title>&#60;b&#62;x&#60;\/b&#62;<\/title>/);
});

Deno.test("renderPage() links the favicon when the manifest has one", () => {
  const html = renderPage(<p />, {
    title: "T",
    nonce: "n",
    assets: { ...assets, favicon: "/static/favicon-1.svg" },
  });
  assert.match(html, /<link rel="icon" href="\/static\/favicon-1\.svg" type="image\/svg\+xml">/);
});

Deno.test("renderPage() preloads the modules of the islands it uses, and only those", () => {
  const islandModules = {
    CopyButton: ["/_islands/CopyButton-abc.js", "/_islands/chunk-1.js"],
    Other: ["/_islands/Other-x.js", "/_islands/chunk-1.js"],
  };
  const withIsland = renderPage(
    <Island name="CopyButton" component={CopyButton} props={{ text: "t" }} />,
    { title: "T", nonce: "n", assets: { ...assets, islandModules } },
  );
  const preloads = [...withIsland.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map(
    (m) => m[1],
  );
  assert.deepEqual(preloads, ["/_islands/CopyButton-abc.js", "/_islands/chunk-1.js"]);
  const plain = renderPage(<p />, { title: "T", nonce: "n", assets: { ...assets, islandModules } });
  assert.doesNotMatch(plain, /modulepreload/);
});
