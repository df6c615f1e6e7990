/**
 * @module components/records/FieldValue
 * Shows a record's value the way a broker reads it: money, unit prices, weights, counts and dates
 * through domain/format.ts (the tenant's locale and currency), labels, yes/no, linked names.
 */
import { enumLabel, type FieldDef } from "../../domain/records/fields.ts";
import * as fmt from "../../domain/format.ts";

/** Line fields that are unit prices (shown with at least two places: "$9.10", not "9.1"). */
const PRICE_FIELDS = new Set(["price", "unit_price", "default_price"]);
/** Count fields that read blank when zero (a line with no cases, not "0"). */
const COUNT_FIELDS = new Set(["cases", "pieces"]);

export function FieldValue(
  props: {
    field: FieldDef;
    value: unknown;
    titles: Map<string, string>;
    format?: fmt.FormatSettings;
    /** The reader's catalogue, for yes/no; English without it. */
    t?: (key: string) => string;
  },
) {
  const { field, value } = props;
  const settings = props.format ?? fmt.DEFAULT_FORMAT;
  const blank = <span class="muted">—</span>;
  if (value === null || value === undefined || value === "") return blank;
  switch (field.kind) {
    case "money": {
      const cents = Number(value);
      return (
        <span class={cents < 0 ? "money negative" : "money"}>{fmt.money(cents, settings)}</span>
      );
    }
    case "boolean":
      return <span>{props.t ? props.t(value ? "list.yes" : "list.no") : value ? "Yes" : "No"}
      </span>;
    case "options": {
      const list = value as string[];
      return list.length ? <span>{list.join(", ")}</span> : blank;
    }
    case "enum":
      return field.name === "status" || field.name === "payment_status" || field.name === "state"
        ? <span class={`badge status-${value}`}>{enumLabel(field, value)}</span>
        : <span>{enumLabel(field, value)}</span>;
    case "ref": {
      const id = String(value);
      return <a href={`/${field.ref}/${id}`}>{props.titles.get(id) ?? "(record)"}</a>;
    }
    case "decimal":
      // Totals kept in pounds read in the tenant's unit (LB or KG, converted, the unit shown).
      if (field.computed && field.name.endsWith("_weight_lb")) {
        return <span class="number">{fmt.poundsAs(value, settings)}</span>;
      }
      if (PRICE_FIELDS.has(field.name)) {
        return <span class="money">{fmt.unitPrice(value, undefined, undefined, settings)}</span>;
      }
      return <span class="number">{fmt.decimal(value, 4, settings)}</span>;
    case "integer":
      if (COUNT_FIELDS.has(field.name)) {
        const text = fmt.quantity(value, settings);
        return text ? <span class="number">{text}</span> : blank;
      }
      return <span class="number">{fmt.decimal(value, 0, settings)}</span>;
    case "date":
      return <time datetime={String(value)}>{fmt.date(value, settings) || String(value)}</time>;
    case "datetime":
      return <span>{fmt.dateTime(value, settings) || String(value)}</span>;
    case "text":
      if (field.name === "est_number") return <span>EST {String(value)}</span>;
      if (field.name === "mc_number") return <span>MC {String(value)}</span>;
      return <span>{String(value)}</span>;
    default:
      return <span>{String(value)}</span>;
  }
}
