// Accounting export: sent invoices and received payments as a QuickBooks Desktop IIF file.
// IIF is tab-separated text: a header row per record kind (!TRNS, !SPL, !ENDTRNS), then for each
// transaction a TRNS line, its SPL (split) lines, and ENDTRNS; a transaction's amounts sum to 0.
// Runs in the plugin sandbox; reaches records only through `host` (extension API 1.x).

const HEADER = [
  "!TRNS\tTRNSID\tTRNSTYPE\tDATE\tACCNT\tNAME\tAMOUNT\tDOCNUM\tMEMO",
  "!SPL\tSPLID\tTRNSTYPE\tDATE\tACCNT\tNAME\tAMOUNT\tDOCNUM\tMEMO",
  "!ENDTRNS",
];

/**
 * IIF fields cannot hold tabs or line breaks; quotes confuse its reader. An IIF file is also
 * opened in spreadsheets (it is tab-separated), so a text starting with = + - @ gets a leading
 * apostrophe, as every CSV of the app does, lest a customer named "=HYPERLINK(...)" run there.
 */
export function clean(value) {
  const text = String(value ?? "").replace(/[\t\r\n"]+/g, " ").trim();
  return /^[=+\-@]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
}

/** YYYY-MM-DD as MM/DD/YYYY, the date form IIF reads. */
export function iifDate(iso) {
  const [y, m, d] = String(iso).split("-");
  return `${m}/${d}/${y}`;
}

/** Integer cents as a decimal with two places, negative with a leading minus. */
export function iifAmount(cents) {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(Math.round(cents));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

function transaction(type, date, debit, credit, name, cents, docnum, memo) {
  const row = (kind, account, amount) =>
    [
      kind,
      "",
      type,
      iifDate(date),
      clean(account),
      clean(name),
      iifAmount(amount),
      clean(docnum),
      clean(memo),
    ]
      .join("\t");
  return [row("TRNS", debit, cents), row("SPL", credit, -cents), "ENDTRNS"];
}

async function all(collection, query) {
  const out = [];
  let cursor = null;
  do {
    const page = await host.records.list(collection, {
      ...query,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

/** Builds the IIF text for invoices (and their payments); `ids` limits it to those invoices. */
export async function buildIif(ids, settings) {
  const wanted = ids && ids.length ? new Set(ids) : null;
  const invoices = (await all("invoices", {}))
    .filter((i) => i.state === "sent" && (!wanted || wanted.has(i.id)));
  const byId = new Map(invoices.map((i) => [i.id, i]));
  const names = new Map();
  const customerName = async (id) => {
    if (!names.has(id)) names.set(id, (await host.records.get("customers", id)).name);
    return names.get(id);
  };
  const lines = [...HEADER];
  for (const inv of invoices) {
    lines.push(...transaction(
      "INVOICE",
      inv.invoice_date,
      settings.receivable_account,
      settings.income_account,
      await customerName(inv.customer_id),
      inv.total_cents,
      inv.number,
      inv.notes ?? "",
    ));
  }
  const payments = (await all("payments", { direction: "receivable" }))
    .filter((p) => p.invoice_id && byId.has(p.invoice_id));
  for (const p of payments) {
    const inv = byId.get(p.invoice_id);
    lines.push(...transaction(
      "PAYMENT",
      p.paid_on,
      settings.deposit_account,
      settings.receivable_account,
      await customerName(inv.customer_id),
      p.amount_cents,
      p.reference || inv.number,
      `Payment on ${inv.number}`,
    ));
  }
  return {
    text: lines.join("\r\n") + "\r\n",
    invoices: invoices.length,
    payments: payments.length,
  };
}

export async function exportIif(input, context) {
  const { text, invoices, payments } = await buildIif(input.ids, context.settings);
  return {
    message: `Exported ${invoices} invoices and ${payments} payments.`,
    file: { name: `quickbooks-${context.today}.iif`, type: "text/plain", content: text },
  };
}
