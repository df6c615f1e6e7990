/**
 * @module tenants/demo_data
 * A realistic few months of brokerage for the demo workspace: packers with plants and EST
 * numbers, customers, reefer carriers, contacts, products, and about 300 deals (PO -> SO -> load
 * -> invoice -> payments) spread over the last five months, so that lists, aging and margin
 * show something real on first start. Deterministic (seeded), written through the same
 * repository and rules as user input.
 */
import type { Client } from "../db/client.ts";
import { RECORD_TYPES } from "../domain/catalog.ts";
import type { RecordDef } from "../domain/records/definition.ts";
import { createRecord, type RecordContext, updateRecord } from "../domain/records/repository.ts";
import type { RecordValues } from "../domain/records/rows.ts";
import { addDays } from "../domain/rules/due_dates.ts";
import type { Clock } from "../domain/clock.ts";

/** Mulberry32: a small seeded generator, so every demo looks the same. */
function seeded(seed: number) {
  let a = seed;
  const next = () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
  };
}

const def = (collection: string): RecordDef =>
  RECORD_TYPES.find((d) => d.collection === collection)!;

const SUPPLIERS: Array<[string, string, string, string[]]> = [
  ["Prairie Packers", "Greeley", "CO", ["Beef"]],
  ["Heartland Pork Co.", "Storm Lake", "IA", ["Pork"]],
  ["Blue Ridge Poultry", "Gainesville", "GA", ["Chicken"]],
  ["Panhandle Beef", "Amarillo", "TX", ["Beef"]],
  ["Lakeside Turkey Farms", "Willmar", "MN", ["Turkey"]],
  ["Sierra Lamb Cooperative", "Dixon", "CA", ["Lamb"]],
  ["Gulf Coast Seafood", "Bayou La Batre", "AL", ["Fish"]],
  ["Northern Plains Protein", "Sioux Falls", "SD", ["Beef", "Pork"]],
  ["Carolina Fresh Pork", "Tar Heel", "NC", ["Pork"]],
  ["Delmarva Chicken", "Salisbury", "MD", ["Chicken"]],
  ["Rio Grande Meats", "Laredo", "TX", ["Beef"]],
  ["Cascade Natural Beef", "Pasco", "WA", ["Beef"]],
];
const CUSTOMERS: Array<[string, string, string, string, string]> = [
  ["Lone Star Grocers", "Houston", "TX", "Retail", "Net 30"],
  ["Midwest Sausage Works", "Milwaukee", "WI", "Processor", "Net 15"],
  ["Golden Gate Food Service", "Oakland", "CA", "Food service", "Net 30"],
  ["Happy Tails Pet Foods", "Topeka", "KS", "Pet food", "Net 45"],
  ["Atlantic Export Trading", "Newark", "NJ", "Export", "Wire 1 day prior"],
  ["Rocky Mountain Wholesale", "Denver", "CO", "Wholesaler", "Net 30"],
  ["Bayou Kitchens", "New Orleans", "LA", "Food service", "Net 15"],
  ["Great Lakes Provisions", "Detroit", "MI", "Wholesaler", "Net 30"],
  ["Sunbelt Markets", "Phoenix", "AZ", "Retail", "Net 30"],
  ["Pacific Rim Exporters", "Seattle", "WA", "Export", "Net 7"],
  ["Keystone Deli Meats", "Harrisburg", "PA", "Processor", "Net 30"],
  ["Magnolia Grocery Group", "Jackson", "MS", "Retail", "Net 45"],
];
const CARRIERS: Array<[string, string, string]> = [
  ["Cold Chain Express", "612345", "2034567"],
  ["Polar Freight Lines", "734512", "2876543"],
  ["Reefer Runners LLC", "845123", "3123456"],
  ["Frostline Logistics", "956234", "3345678"],
  ["Blue Ice Transport", "567345", "1987654"],
  ["Arctic Haulers", "478456", "1765432"],
  ["Chill Road Carriers", "389567", "1543210"],
  ["Northbound Reefer", "290678", "1321098"],
];
const PRODUCTS: Array<[string, string, string, number]> = [
  ["BF-8119", "Beef trim 81/19, fresh, combo", "Beef", 2.15],
  ["BF-9010", "Beef trim 90/10, frozen", "Beef", 2.85],
  ["BF-120A", "Beef brisket 120A, boxed", "Beef", 3.45],
  ["BF-189A", "Beef tenderloin 189A", "Beef", 9.8],
  ["BF-112A", "Beef ribeye lip-on 112A", "Beef", 8.25],
  ["PK-410", "Pork loin bone-in 410", "Pork", 1.55],
  ["PK-406", "Pork butt bone-in 406", "Pork", 1.35],
  ["PK-7272", "Pork trim 72/28", "Pork", 1.1],
  ["PK-BELLY", "Pork bellies skin-on", "Pork", 2.4],
  ["CK-LQ", "Chicken leg quarters, frozen", "Chicken", 0.58],
  ["CK-BSB", "Chicken breast boneless skinless", "Chicken", 1.95],
  ["CK-WING", "Chicken wings whole", "Chicken", 2.1],
  ["TK-BRST", "Turkey breast boneless", "Turkey", 2.3],
  ["LB-LEG", "Lamb leg, boneless", "Lamb", 5.6],
  ["FS-CAT", "Catfish fillets, IQF", "Fish", 3.9],
];
const FIRST = [
  "Maria",
  "James",
  "Linda",
  "Robert",
  "Ana",
  "David",
  "Karen",
  "Luis",
  "Grace",
  "Tom",
];
const LAST = ["Garcia", "Smith", "Nguyen", "Johnson", "Patel", "Brown", "Lee", "Miller", "Lopez"];

/** Fills a fresh demo tenant database with sample business. */
export async function seedDemoData(
  db: Client,
  opts: { ownerId: string; today: string; deals?: number; clock?: Clock },
): Promise<void> {
  const rnd = seeded(20261125);
  // Bills have their own sequence, so the rest of the demo stays as it was before they existed.
  const billRnd = seeded(20261206);
  let billNumber = 7100;
  const ctx: RecordContext = {
    db,
    userId: opts.ownerId,
    userName: "Dana Demo",
    role: "owner",
    clock: opts.clock,
  };
  const today = opts.today;
  const create = (collection: string, values: RecordValues) =>
    createRecord(ctx, def(collection), values);

  const suppliers: Array<{ id: string; proteins: string[]; plants: string[] }> = [];
  let est = 200;
  for (const [name, city, state, proteins] of SUPPLIERS) {
    const s = await create("suppliers", {
      name,
      city,
      state,
      country: "USA",
      proteins,
      plant_type: rnd.pick(["Vertical", "Processor"]),
      origin: "Domestic",
      payment_terms: rnd.pick(["Net 7", "Net 15", "Wire 1 day prior"]),
      credit_line_cents: rnd.int(5, 40) * 10_000_00,
      credit_app_sent: true,
      credit_app_set_up: rnd.next() > 0.2,
      phone: `555-01${rnd.int(10, 99)}`,
      email: `sales@${name.toLowerCase().replace(/[^a-z]+/g, "")}.example`,
      certifications: ["USDA inspection", "HACCP"],
    });
    const plants: string[] = [];
    for (let i = 0; i < rnd.int(1, 2); i++) {
      est += rnd.int(7, 90);
      const plant = await create("plants", {
        name: `${city}${i ? ` Plant ${i + 1}` : ""}`,
        supplier_id: s.id,
        est_number: `${est}${rnd.pick(["", "", "A", "M"].slice(0, 3))}`,
        plant_type: "Vertical",
        city,
        state,
        country: "USA",
        manager: `${rnd.pick(FIRST)} ${rnd.pick(LAST)}`,
      });
      plants.push(String(plant.id));
    }
    await create("contacts", {
      first_name: rnd.pick(FIRST),
      last_name: rnd.pick(LAST),
      role: "Sales",
      email: `rep@${name.toLowerCase().replace(/[^a-z]+/g, "")}.example`,
      cell_phone: `555-02${rnd.int(10, 99)}`,
      supplier_id: s.id,
    });
    suppliers.push({ id: String(s.id), proteins, plants });
  }

  const customers: string[] = [];
  for (const [name, city, state, industry, terms] of CUSTOMERS) {
    const cu = await create("customers", {
      name,
      city,
      state,
      country: "USA",
      industry,
      payment_terms: terms,
      credit_limit_cents: rnd.int(8, 25) * 10_000_000,
      proteins: ["Beef", "Pork", "Chicken"].slice(0, rnd.int(1, 3)),
    });
    await create("contacts", {
      first_name: rnd.pick(FIRST),
      last_name: rnd.pick(LAST),
      role: "Buyer",
      email: `buyer@${name.toLowerCase().replace(/[^a-z]+/g, "")}.example`,
      customer_id: cu.id,
    });
    await create("locations", {
      name: `${name} DC`,
      kind: "delivery",
      city,
      state,
      country: "USA",
      receiving_hours: "Mon-Fri 6:00-14:00",
      appointment_method: "E-mail",
      customer_id: cu.id,
    });
    customers.push(String(cu.id));
  }

  const carriers: string[] = [];
  for (const [i, [name, mc, dot]] of CARRIERS.entries()) {
    const ca = await create("carriers", {
      name,
      mode: "reefer",
      mc_number: mc,
      dot_number: dot,
      insurance_provider: rnd.pick(["Great West", "Progressive Commercial", "Northland"]),
      insurance_policy: `POL-${rnd.int(100000, 999999)}`,
      // Two carriers' insurance lapses within the month: the list flags them.
      insurance_expires: addDays(today, i < 2 ? 10 + i * 9 : rnd.int(60, 330)),
      payment_terms: "Net 30",
      dispatch_email: `dispatch@${name.toLowerCase().replace(/[^a-z]+/g, "")}.example`,
    });
    carriers.push(String(ca.id));
  }

  const products = new Map<string, Array<{ id: string; description: string; price: number }>>();
  for (const [code, description, protein, price] of PRODUCTS) {
    const supplier = suppliers.find((s) => s.proteins.includes(protein));
    const p = await create("products", {
      code,
      description,
      protein,
      fresh_frozen: description.includes("frozen") ? "Frozen" : "Fresh",
      package_type: "Boxed wax-lined",
      weight_type: "Catch weight",
      supplier_id: supplier?.id ?? null,
    });
    const list = products.get(protein) ?? [];
    list.push({ id: String(p.id), description, price });
    products.set(protein, list);
  }

  // Deals over the last ~150 days: most delivered, invoiced and paid; recent ones in motion.
  const deals = opts.deals ?? 300;
  for (let n = 0; n < deals; n++) {
    const age = Math.round(150 - (150 * n) / deals) + rnd.int(0, 3);
    const orderDate = addDays(today, -age);
    const supplier = rnd.pick(suppliers);
    const protein = rnd.pick(supplier.proteins);
    const items = products.get(protein) ?? [...products.values()][0]!;
    const lineCount = rnd.int(1, 3);
    const picked = Array.from({ length: lineCount }, () => ({
      item: rnd.pick(items),
      weight: rnd.int(8, 42) * 1000 / lineCount,
    }));
    // Freight is known when the load is priced: the sale price per pound carries the cost, its
    // share of the freight and the broker's margin (1.5-5.5%; about one load in twelve loses money).
    const freight = rnd.int(18, 65) * 100_00;
    const loadWeight = picked.reduce((sum, p) => sum + p.weight, 0);
    const freightPerLb = freight / 100 / loadWeight;
    const markup = rnd.next() < 0.08 ? -0.02 + rnd.next() * 0.02 : 0.015 + rnd.next() * 0.04;
    const poLines: RecordValues[] = [];
    const soLines: RecordValues[] = [];
    for (const { item, weight } of picked) {
      const cost = Math.round(item.price * (0.95 + rnd.next() * 0.1) * 10000) / 10000;
      const sale = Math.round((cost * (1 + markup) + freightPerLb) * 10000) / 10000;
      const cases = Math.round(weight / 50);
      poLines.push({
        product_id: item.id,
        description: item.description,
        cases,
        weight,
        price: cost,
      });
      soLines.push({
        product_id: item.id,
        description: item.description,
        cases,
        weight,
        price: sale,
      });
    }
    const delivered = age > 12;
    const po = await create("purchase-orders", {
      supplier_id: supplier.id,
      plant_id: rnd.pick(supplier.plants),
      order_date: orderDate,
      pickup_date: addDays(orderDate, rnd.int(2, 6)),
      status: delivered ? "delivered" : rnd.pick(["pending", "approved", "approved"]),
      supplier_confirmation: `C${rnd.int(100000, 999999)}`,
      lines: poLines,
    });
    let customer = "";
    let so: RecordValues | null = null;
    // A customer whose credit is used up is refused, as in real life: sell to another one.
    for (let attempt = 0; attempt < 4 && !so; attempt++) {
      customer = rnd.pick(customers);
      try {
        so = await create("sales-orders", {
          customer_id: customer,
          order_date: orderDate,
          delivery_date: addDays(orderDate, rnd.int(4, 9)),
          customer_po: `${rnd.int(4000000, 4999999)}`,
          status: delivered ? "delivered" : rnd.pick(["confirmed", "in_transit"]),
          lines: soLines.map((l) => ({ ...l, purchase_order_id: po.id })),
        });
      } catch {
        so = null;
      }
    }
    if (!so) continue;
    const pickupTemp = 26 + rnd.int(0, 6);
    const load = await create("loads", {
      carrier_id: rnd.pick(carriers),
      purchase_order_id: po.id,
      sales_order_id: so.id,
      pickup_appointment: `${addDays(orderDate, 3)}T0${rnd.int(5, 9)}:00`,
      delivery_appointment: `${addDays(orderDate, 6)}T1${rnd.int(0, 6)}:00`,
      bol_number: `BOL${rnd.int(1000000, 9999999)}`,
      seal_number: `S${rnd.int(100000, 999999)}`,
      setpoint_temp_f: 28,
      pickup_temp_f: pickupTemp,
      delivery_temp_f: delivered ? pickupTemp + rnd.int(0, 2) : null,
      freight_cents: freight,
      other_costs_cents: rnd.next() > 0.8 ? rnd.int(1, 5) * 50_00 : 0,
      status: delivered ? rnd.pick(["delivered", "pod_received", "pod_received"]) : "booked",
    });
    if (!delivered) continue;
    await demoFreightBill(load, orderDate, loadWeight);
    const invoiceDate = addDays(orderDate, 7);
    const invoice = await create("invoices", {
      customer_id: customer,
      sales_order_id: so.id,
      invoice_date: invoiceDate,
      ship_date: addDays(orderDate, 3),
      state: "sent",
      lines: soLines,
    });
    const due = String(invoice.due_date);
    const total = Number(invoice.total_cents);
    // Most invoices are paid around their due date; some are late (every aging bucket shows
    // something) and one customer stopped paying a little over three months ago (the over-90 bucket).
    const daysPast = Math.round((Date.parse(today) - Date.parse(due)) / 86400_000);
    const roll = rnd.next();
    const lateCustomer = customer === customers[customers.length - 1];
    let paid = 0;
    if (daysPast > 0 && !lateCustomer) {
      const slow = daysPast < 55 ? roll > 0.8 : daysPast < 90 && roll > 0.95;
      paid = slow ? (roll > 0.9 && daysPast < 55 ? 0 : 0.5) : 1;
    } else if (daysPast <= 0 && roll < 0.3) paid = 0.5;
    if (lateCustomer) paid = daysPast > 100 ? 1 : 0;
    if (paid > 0) {
      const paidOn = addDays(due, rnd.int(-3, 4));
      await create("payments", {
        direction: "receivable",
        amount_cents: Math.round(total * paid),
        paid_on: paidOn > today ? today : paidOn,
        method: rnd.pick(["Wire", "ACH", "Check"]),
        reference: `R${rnd.int(100000, 999999)}`,
        invoice_id: invoice.id,
      });
    }
    if (rnd.next() < 0.9) {
      await create("payments", {
        direction: "payable",
        amount_cents: Number(po.total_cents),
        paid_on: addDays(orderDate, 5),
        method: "Wire",
        reference: `W${rnd.int(100000, 999999)}`,
        purchase_order_id: po.id,
      });
    }
  }

  /**
   * The carrier's freight bill for a delivered load: most bill the agreed rate, about one in ten
   * adds detention (flagged against the rate); nearly every older bill is paid by its due date.
   */
  async function demoFreightBill(load: RecordValues, orderDate: string, weight: number) {
    const short = billRnd.next() < 0.1 ? billRnd.int(2, 6) * 10 : 0;
    const current = await db.execute({
      sql: "SELECT version FROM loads WHERE id = ?",
      args: [load.id as string],
    });
    await updateRecord(ctx, def("loads"), String(load.id), {
      version: Number(current.rows[0]!.version),
      received_weight_lb: weight - short,
    });
    const bill = await create("bills", {
      kind: "carrier",
      carrier_id: load.carrier_id,
      number: `FB-${billNumber++}`,
      load_id: load.id,
      bill_date: addDays(orderDate, 7),
      payment_terms: "Net 30",
      charges_cents: Number(load.freight_cents) + (billRnd.next() < 0.1 ? 150_00 : 0),
    });
    // Carriers are paid on time, nearly always: a few recent bills are late, hardly any old one.
    const due = String(bill.due_date);
    const chance = due < addDays(today, -30) ? 0.98 : due < addDays(today, 5) ? 0.7 : 0;
    if (billRnd.next() < chance) {
      await create("payments", {
        direction: "payable",
        amount_cents: Number(bill.total_cents),
        paid_on: String(bill.due_date) > today ? today : String(bill.due_date),
        method: "ACH",
        reference: `ACH${billRnd.int(100000, 999999)}`,
        bill_id: bill.id,
      });
    }
  }

  // A customer over 60 days late lands on credit hold.
  const late = customers[customers.length - 1]!;
  const current = await db.execute({
    sql: "SELECT version FROM customers WHERE id = ?",
    args: [late],
  });
  await updateRecord(ctx, def("customers"), late, {
    version: Number(current.rows[0]!.version),
    credit_hold: true,
    notes: "On hold: invoices over 60 days late.",
  });
  await create("claims", {
    direction: "payable",
    carrier_id: carriers[0],
    reason: "temperature",
    filed_on: addDays(today, -20),
    claimed_cents: 1_250_00,
    status: "open",
    notes: "Delivered at 41°F against a 28°F set-point.",
  });
}
