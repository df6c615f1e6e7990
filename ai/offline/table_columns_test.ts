import assert from "node:assert/strict";
import { columnsByArithmetic, type Provable } from "./table_columns.ts";

const key = (m: Map<number, Provable> | null) => (m ? JSON.stringify([...m].sort()) : null);

Deno.test("columnsByArithmetic() takes the one way that makes most rows add up", () => {
  const right = '[[1,"weight"],[2,"price"],[3,"amount"]]';
  const given = columnsByArithmetic(
    [1, 2, 3],
    ["weight", "price", "amount"],
    (g) => (key(g) === right ? 3 : 0),
  );
  assert.equal(key(given), right);
});

Deno.test("columnsByArithmetic() tells a price from its quantity by fit, and guesses no tie", () => {
  const a = '[[1,"weight"],[2,"price"],[3,"amount"]]';
  const b = '[[1,"price"],[2,"weight"],[3,"amount"]]';
  const adds = (g: Map<number, Provable>) => ([a, b].includes(key(g)!) ? 2 : 0);
  // Multiplication cannot tell them apart; the smaller values are the price.
  assert.equal(
    key(
      columnsByArithmetic(
        [1, 2, 3],
        ["weight", "price", "amount"],
        adds,
        (g) => key(g) === b ? 2 : 0,
      ),
    ),
    b,
  );
  // Nothing else tells them apart: no guess.
  assert.equal(columnsByArithmetic([1, 2, 3], ["weight", "price", "amount"], adds), null);
  // Nothing adds up: the header stays as read.
  assert.equal(columnsByArithmetic([1, 2, 3], ["weight", "price", "amount"], () => 0), null);
});

Deno.test("columnsByArithmetic() names no column that changes no sum", () => {
  // Priced by the case: giving the weight to a code column adds nothing, so it is left unread.
  const given = columnsByArithmetic(
    [0, 2, 3],
    ["weight", "price", "amount"],
    (g) => g.get(2) === "price" && g.get(3) === "amount" ? 2 : 0,
  );
  assert.equal(key(given), '[[2,"price"],[3,"amount"]]');
});
