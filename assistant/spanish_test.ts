import assert from "node:assert/strict";
import { understand } from "./intents.ts";
import { fromSpanish } from "./spanish.ts";

const TODAY = "2026-11-25";

/** Each Spanish question beside its English twin: both must read as the same intent. */
const TWINS: Array<[string, string]> = [
  ["¿Qué facturas tienen más de 60 días de vencidas?", "Which invoices are over 60 days past due?"],
  ["¿Que facturas tienen mas de 60 dias de atraso?", "Which invoices are over 60 days past due?"],
  ["facturas vencidas", "overdue invoices"],
  ["margen por cliente este mes", "margin by customer this month"],
  ["Margen de las cargas de la semana pasada", "Margin on loads last week"],
  ["cargas entregadas esta semana", "loads delivered this week"],
  ["¿cuánto nos debe Lone Star Grocers?", "What does Lone Star Grocers owe?"],
  ["margen desde el 1 de noviembre", "margin since November 1"],
  ["margen en octubre", "margin in October"],
  ["margen de los últimos 45 días", "margin over the last 45 days"],
  ["Mejores clientes de este mes", "Top customers this month"],
  ["Mejores proveedores por ventas del trimestre pasado", "top suppliers by sales last quarter"],
  ["¿Quién surte pollo desde el EST 1234?", "Who supplies chicken from EST 1234?"],
  ["Cargas abiertas de Cold Chain Express", "Open loads for Cold Chain Express"],
  ["¿Cuánto le debemos a Polar Haul?", "What do we owe Polar Haul?"],
  ["cuentas por pagar", "payables"],
  ["Antigüedad de cuentas por cobrar", "Receivables aging"],
  ["¿Quién nos debe más?", "Who owes us the most?"],
  ["Lista de órdenes de compra abiertas", "List open purchase orders"],
  ["¿A quién se le vence pronto el seguro?", "Whose insurance expires soon?"],
];

Deno.test("understand() reads a Spanish question as the same intent as its English twin", () => {
  for (const [spanish, english] of TWINS) {
    const intent = understand(spanish, TODAY);
    assert.notEqual(intent.kind, "search", spanish);
    assert.deepEqual(intent, understand(english, TODAY), spanish);
  }
});

Deno.test("understand() gives Spanish periods their dates", () => {
  assert.deepEqual(understand("margen desde el 1 de noviembre", TODAY), {
    kind: "margin",
    from: "2026-11-01",
    to: TODAY,
    label: "since November 1",
  });
  assert.deepEqual(understand("margen de la semana pasada", TODAY), {
    kind: "margin",
    from: "2026-11-16",
    to: "2026-11-22",
    label: "last week",
  });
  // A later month than today's is last year's.
  assert.equal(understand("margen desde el 3 de diciembre", TODAY).kind, "margin");
  assert.deepEqual(
    (understand("margen desde el 3 de diciembre", TODAY) as { from: string }).from,
    "2025-12-03",
  );
});

Deno.test("fromSpanish() keeps names as written and leaves English alone", () => {
  assert.deepEqual(understand("Cargas abiertas de Transportes Peña", TODAY), {
    kind: "carrier_open_loads",
    carrier: "Transportes Peña",
  });
  assert.deepEqual(understand("¿Cuánto nos debe Carnes Pérez?", TODAY), {
    kind: "customer_balance",
    customer: "Carnes Pérez",
  });
  for (const english of ["Which invoices are over 60 days past due?", "Open loads for Acme"]) {
    assert.equal(fromSpanish(english), english);
  }
  // What is not understood is searched for as typed, accents and all.
  assert.deepEqual(understand("Carnes Pérez de Oro", TODAY), {
    kind: "search",
    text: "Carnes Pérez de Oro",
  });
});
