import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { ListTable } from "./ListTable.tsx";

const columns = ["Name", { label: "Amount", class: "num" }, null];

Deno.test("ListTable says there is nothing in one row that spans every column", () => {
  const html = renderToString(
    <ListTable caption="Tokens" columns={columns} empty="No tokens yet." rows={[]} />,
  );
  assert.match(html, /<td colspan="3" class="muted">No tokens yet\.<\/td>/i);
  assert.match(html, /<th scope="col" class="num">Amount<\/th>/);
  assert.match(html, /<span class="visually-hidden">Actions<\/span>/);
});

Deno.test("ListTable shows the rows it is given and no empty note", () => {
  const html = renderToString(
    <ListTable
      id="t"
      caption="Tokens"
      columns={columns}
      empty="No tokens yet."
      rows={[
        <tr key="a">
          <td>a</td>
        </tr>,
        <tr key="b">
          <td>b</td>
        </tr>,
      ]}
    />,
  );
  assert.match(html, /<table id="t"><caption>Tokens<\/caption>/);
  assert.equal(html.match(/<tr><td>/g)?.length, 2);
  assert.doesNotMatch(html, /No tokens yet/);
});
