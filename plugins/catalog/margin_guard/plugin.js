// Margin guard: refuses a sales order line sold below its purchase price plus a minimum margin.
// Runs in the plugin sandbox; reaches records only through `host` (extension API 1.x).

function costLine(poLines, line) {
  return poLines.find((l) => line.product_id && l.product_id === line.product_id) ??
    poLines.find((l) => l.description && l.description === line.description);
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (all, key) => key in values ? String(values[key]) : all);
}

export async function checkMargin(event, context) {
  const { settings } = context;
  const order = event.values;
  if (settings.skip_drafts && order.status === "draft") return { ok: true };
  const minimum = Number(settings.minimum_margin_percent);
  const purchaseOrders = new Map();
  for (const [index, line] of (event.lines ?? []).entries()) {
    const poId = line.purchase_order_id || order.purchase_order_id;
    const price = Number(line.price);
    if (!poId || !(price > 0)) continue;
    if (!purchaseOrders.has(poId)) {
      purchaseOrders.set(poId, await host.records.get("purchase-orders", poId));
    }
    const cost = costLine(purchaseOrders.get(poId).lines ?? [], line);
    if (!cost || cost.price_basis !== line.price_basis || cost.weight_unit !== line.weight_unit) {
      continue;
    }
    const margin = ((price - Number(cost.price)) / price) * 100;
    if (margin < minimum) {
      return {
        ok: false,
        field: `lines.${index}.price`,
        message: fill(settings.message, {
          line: index + 1,
          margin: margin.toFixed(1),
          minimum: String(minimum),
        }),
      };
    }
  }
  return { ok: true };
}
