/**
 * @module components/records/FieldValue
 * Shows a record's value the way a broker reads it: dollars, labels, yes/no, linked names.
 */
import { enumLabel, type FieldDef, formatCents } from "../../domain/records/fields.ts";

export function FieldValue(
  props: { field: FieldDef; value: unknown; titles: Map<string, string> },
) {
  const { field, value } = props;
  if (value === null || value === undefined || value === "") {
    return <span class="muted">—</span>;
  }
  switch (field.kind) {
    case "money": {
      const cents = Number(value);
      return (
        <span class={cents < 0 ? "money negative" : "money"}>
          {cents < 0 ? "-" : ""}${formatCents(Math.abs(cents))}
        </span>
      );
    }
    case "boolean":
      return <span>{value ? "Yes" : "No"}</span>;
    case "options": {
      const list = value as string[];
      return list.length ? <span>{list.join(", ")}</span> : <span class="muted">—</span>;
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
      return <span>{Number(value).toLocaleString("en-US", { maximumFractionDigits: 4 })}</span>;
    case "datetime":
      return <span>{String(value).replace("T", " ")}</span>;
    case "text":
      if (field.name === "est_number") return <span>EST {String(value)}</span>;
      if (field.name === "mc_number") return <span>MC {String(value)}</span>;
      return <span>{String(value)}</span>;
    default:
      return <span>{String(value)}</span>;
  }
}
