import assert from "node:assert/strict";
import * as fmt from "./format.ts";

Deno.test("money() groups digits, signs and never wraps a number as raw cents", () => {
  assert.equal(fmt.money(20280000), "$202,800.00");
  assert.equal(fmt.money(10000000), "$100,000.00");
  assert.equal(fmt.money(-500), "-$5.00");
  assert.equal(fmt.money(0), "$0.00");
  assert.equal(fmt.money(null), "");
  assert.equal(fmt.money(""), "");
});

Deno.test("money() follows the tenant's locale and currency", () => {
  const de = { locale: "de-DE", currency: "EUR" };
  assert.equal(fmt.money(20280000, de).replace(/\s/g, " "), "202.800,00 €");
  assert.equal(fmt.money(150, { locale: "en-US", currency: "CAD" }), "CA$1.50");
});

Deno.test("an unknown locale or currency falls back to en-US and USD instead of throwing", () => {
  assert.equal(fmt.money(150, { locale: "xx-nope-invalid-@@", currency: "USD" }), "$1.50");
});

Deno.test("decimalAmount() is the machine form: no grouping, two places", () => {
  assert.equal(fmt.decimalAmount(20280000), "202800.00");
  assert.equal(fmt.decimalAmount(-5), "-0.05");
  assert.equal(fmt.decimalAmount(null), "");
});

Deno.test("unitPrice() shows at least two places and its basis", () => {
  assert.equal(fmt.unitPrice(9.1), "$9.10");
  assert.equal(fmt.unitPrice(3.1275, "weight", "LB"), "$3.1275/LB");
  assert.equal(fmt.unitPrice(45, "case", "LB"), "$45.00/case");
  assert.equal(fmt.unitPrice(null), "");
});

Deno.test("weight(), quantity() and fahrenheit() read as a broker writes them", () => {
  assert.equal(fmt.weight(40000, "LB"), "40,000 LB");
  assert.equal(fmt.weight(0, "LB"), "", "no weight reads blank, not 0 LB");
  assert.equal(fmt.quantity(1200), "1,200");
  assert.equal(fmt.quantity(0), "", "blank cases read blank, not 0");
  assert.equal(fmt.quantity(null), "");
  assert.equal(fmt.fahrenheit(28), "28°F");
  assert.equal(fmt.fahrenheit(null), "");
});

Deno.test("date(), dateTime() and instant() write dates out unambiguously", () => {
  assert.equal(fmt.date("2026-10-05"), "Oct 5, 2026");
  assert.equal(fmt.date("not a date"), "");
  assert.equal(fmt.dateTime("2026-10-07T08:00"), "Oct 7, 2026 08:00");
  assert.equal(fmt.dateTime("2026-10-07"), "Oct 7, 2026");
  assert.equal(fmt.instant("2026-12-06T06:47:12.000Z"), "Dec 6, 2026 06:47 UTC");
  assert.equal(fmt.date("2026-10-05", { locale: "en-GB", currency: "GBP" }), "5 Oct 2026");
});

Deno.test("formatSettingsOf() takes locale and currency from settings rows, else the defaults", () => {
  assert.deepEqual(fmt.formatSettingsOf([]), { locale: "en-US", currency: "USD" });
  assert.deepEqual(
    fmt.formatSettingsOf([
      { key: "locale", value: "en-CA" },
      { key: "currency", value: "CAD" },
      { key: "company_name", value: "x" },
    ]),
    { locale: "en-CA", currency: "CAD" },
  );
  assert.deepEqual(
    fmt.formatSettingsOf([{ key: "currency", value: "dollars" }]),
    fmt.DEFAULT_FORMAT,
    "a malformed currency is ignored",
  );
});

Deno.test("a configuration's formats change dates, numbers and money; the defaults change nothing", () => {
  const base = { locale: "en-US", currency: "USD" };
  assert.deepEqual(fmt.configuredFormats({ date_format: "medium", number_format: "1,234.56" }), {});
  const eu = {
    ...base,
    ...fmt.configuredFormats({
      date_format: "day_month_year",
      number_format: "1.234,56",
      currency_display: "code",
    }),
  };
  assert.equal(fmt.date("2026-10-05", eu), "05/10/2026");
  assert.equal(fmt.date("2026-10-05", { ...base, dateFormat: "iso" }), "2026-10-05");
  assert.equal(fmt.date("2026-10-05", { ...base, dateFormat: "month_day_year" }), "10/05/2026");
  assert.equal(fmt.date("2026-10-05", { ...base, dateFormat: "long" }), "October 5, 2026");
  assert.equal(fmt.money(20280000, eu).replace(/\s/g, " "), "202.800,00 USD");
  assert.equal(fmt.weight(40000.5, "KG", eu), "40.000,5 KG");
  assert.equal(fmt.money(20280000, base), "$202,800.00");
  assert.equal(fmt.date("2026-10-05", base), "Oct 5, 2026");
  // The section is read from the settings rows as the configuration stores it.
  const read = fmt.formatSettingsOf([
    { key: "formats", value: JSON.stringify({ date_format: "iso", currency_display: "name" }) },
  ]);
  assert.deepEqual(read, { ...base, dateFormat: "iso", currencyDisplay: "name" });
  assert.deepEqual(fmt.formatSettingsOf([{ key: "formats", value: "{not json" }]), base);
});

Deno.test("loadFormatSettings() takes a formats section handed in instead of reading it", async () => {
  const { createClient } = await import("@libsql/client");
  const db = createClient({ url: ":memory:" });
  await db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)");
  await db.execute("CREATE TABLE configuration (id INTEGER PRIMARY KEY, document TEXT)");
  await db.execute("INSERT INTO settings VALUES ('currency', 'CAD')");
  await db.execute({
    sql: "INSERT INTO configuration VALUES (1, ?)",
    args: [JSON.stringify({ formats: { date_format: "iso" } })],
  });
  assert.deepEqual(await fmt.loadFormatSettings(db), {
    locale: "en-US",
    currency: "CAD",
    dateFormat: "iso",
  });
  assert.deepEqual(await fmt.loadFormatSettings(db, { date_format: "long" }), {
    locale: "en-US",
    currency: "CAD",
    dateFormat: "long",
  });
  db.close();
});
