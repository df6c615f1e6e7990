/**
 * @module assistant/spanish
 * A question asked in Spanish read in the built-in English words, so that one set of rules
 * (intents.ts) understands both languages. Only the vocabulary is rewritten: names in the
 * question ("Carnes Pérez") keep their letters and accents, because each pattern accepts a word
 * with or without its accents instead of stripping them from the whole text.
 */

/** "dias" -> a pattern that also matches "días", "ano" -> "año". */
function accentFree(pattern: string): string {
  return pattern
    .replace(/a/g, "[aá]")
    .replace(/e/g, "[eé]")
    .replace(/(?<!\\)i/g, "[ií]")
    .replace(/o/g, "[oó]")
    .replace(/u/g, "[uúü]")
    .replace(/n/g, "[nñ]");
}

const MONTHS: Record<string, string> = {
  enero: "january",
  febrero: "february",
  marzo: "march",
  abril: "april",
  mayo: "may",
  junio: "june",
  julio: "july",
  agosto: "august",
  septiembre: "september",
  setiembre: "september",
  octubre: "october",
  noviembre: "november",
  diciembre: "december",
};

const PROTEINS: Record<string, string> = {
  res: "beef",
  "carne de res": "beef",
  cerdo: "pork",
  puerco: "pork",
  pollo: "chicken",
  pavo: "turkey",
  cordero: "lamb",
  pescado: "fish",
  caballo: "horse",
};

const MONTH = Object.keys(MONTHS).join("|");

/**
 * Spanish phrases and their English reading, in order (longer phrases first). Written without
 * accents; `accentFree` lets each match with them. `$1`, `$2` keep what the question said.
 */
const PHRASES: Array<[string, string]> = [
  // Periods.
  [`desde el (\\d{1,2}) de (${MONTH})`, "since $2 $1"],
  [`desde (${MONTH})`, "since $1 1"],
  ["(?:en )?los ultimos (\\d{1,3}) dias", "last $1 days"],
  ["la semana pasada", "last week"],
  ["(?:de )?esta semana", "this week"],
  ["(?:del|el) mes pasado", "last month"],
  ["(?:de )?este mes", "this month"],
  ["(?:del|el) trimestre pasado", "last quarter"],
  ["(?:de )?este trimestre", "this quarter"],
  ["(?:de )?este ano|en lo que va del ano", "this year"],
  [`(?:en|de) (${MONTH})`, "in $1"],
  // What the broker owes.
  [
    "(?:cuanto|que) (?:le |les )?debemos (?:a |al )?(?:la |el )?(?:proveedor |transportista )?(.+?)\\s*[?.!]*$",
    "what do we owe $1?",
  ],
  ["cuentas por pagar|facturas de proveedores", "payables"],
  ["a quien le debemos", "payables"],
  // Receivables.
  ["antiguedad de (?:saldos|cuentas por cobrar)", "receivables aging"],
  ["cuentas por cobrar", "receivables"],
  ["quien nos debe mas", "who owes us the most"],
  ["quien nos debe", "who owes us"],
  ["(?:cuanto|que) (?:nos )?debe (?:el cliente )?(.+?)\\s*[?.!]*$", "what does $1 owe?"],
  ["saldo (?:de|del cliente) (.+?)\\s*[?.!]*$", "balance for $1"],
  ["credito (?:de|del cliente) (.+?)\\s*[?.!]*$", "credit for $1"],
  // Overdue invoices.
  [
    "(?:mas de|al menos) (\\d{1,3}) dias (?:de )?(?:vencidas?|atraso|atrasadas?|vencimiento)",
    "over $1 days past due",
  ],
  ["(?:mas de|al menos) (\\d{1,3}) dias", "over $1 days"],
  ["vencidas?|atrasadas?|en mora|de atraso", "past due"],
  ["sin pagar|impagas?|no pagadas?|pendientes de pago", "unpaid"],
  ["facturas?", "invoices"],
  // Suppliers and plants.
  [`quien (?:surte|suministra|provee|vende|envia|empaca)`, "who supplies"],
  ["que (?:proveedor|planta|empacadora)", "which supplier"],
  ...Object.entries(PROTEINS).map(([es, en]): [string, string] => [es, en]),
  // Loads.
  [
    "cargas? abiertas? (?:de|del|para) (?:el |la )?(?:transportista )?(.+?)\\s*[?.!]*$",
    "open loads for $1",
  ],
  ["cargas? (?:de|del|para) (?:el |la )?transportista (.+?)\\s*[?.!]*$", "loads for $1"],
  ["cargas? con (.+?)\\s*[?.!]*$", "loads with $1"],
  ["que (?:lleva|transporta|mueve) (.+?)\\s*[?.!]*$", "what is $1 hauling"],
  ["cargas? entregadas?", "loads delivered"],
  ["cargas?", "loads"],
  // Parties and measures.
  ["a quien le compramos mas", "who do we buy most from"],
  ["a quien le vendemos mas", "who do we sell most to"],
  ["mejores|principales|mas grandes|top", "top"],
  ["clientes?", "customers"],
  ["proveedores?|empacadoras?|empacadores?|vendedores?", "suppliers"],
  ["por ventas|por volumen", "by sales"],
  ["por compras|por gasto", "by spend"],
  ["margen(?:es)?|ganancias?|utilidad(?:es)?", "margin"],
  // Purchase orders and insurance.
  ["(?:lista de )?ordenes de compra (?:abiertas|pendientes|sin aprobar)", "open purchase orders"],
  ["seguros?", "insurance"],
];

const RULES = PHRASES.map(([es, en]) => ({
  re: new RegExp(`(?<![\\p{L}\\d])(?:${accentFree(es)})(?![\\p{L}\\d])`, "giu"),
  en,
}));

/** The question in the English words intents.ts reads; English questions come back unchanged. */
export function fromSpanish(text: string): string {
  let out = text.replace(/[¿¡]/g, "").trim();
  for (const { re, en } of RULES) {
    out = out.replace(re, (...match: string[]) =>
      en.replace(/\$(\d)/g, (_, i: string) => {
        const kept = match[Number(i)] ?? "";
        return MONTHS[kept.toLowerCase()] ?? kept;
      }));
  }
  return out;
}
