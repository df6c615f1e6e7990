/**
 * @module islands/FilterPicker
 * A list's reference filter (customer, supplier, carrier, product, PO...): a plain select of the
 * choices the page carried when rendered on the server, so the GET form works without JavaScript,
 * and the searchable combobox (islands/Combobox.tsx: type-ahead over the lookup API, keyboard
 * operable) once the island runs. The chosen id is posted under the field's name either way; an
 * empty choice means "any".
 */
import { useEffect, useState } from "preact/hooks";
import Combobox from "./Combobox.tsx";

export interface FilterPickerProps {
  [key: string]: unknown;
  /** The control's id: the filter's label points at it. */
  id: string;
  /** The query parameter (the field's name). */
  name: string;
  /** The collection the field refers to (for the lookup). */
  collection: string;
  /** The id filtered on now, or "". */
  value: string;
  /** [id, title] choices the page has (the select's options without JavaScript). */
  choices: Array<[string, string]>;
  /** The select's first option ("Any"). */
  anyLabel: string;
}

/** The filter control; see the module header. */
export default function FilterPicker(props: FilterPickerProps) {
  // The server and the first render in the browser agree (a select); then the combobox.
  const [live, setLive] = useState(false);
  useEffect(() => setLive(true), []);
  if (live) {
    return (
      <Combobox
        id={props.id}
        name={props.name}
        collection={props.collection}
        value={props.value}
        choices={props.choices}
      />
    );
  }
  return (
    <select id={props.id} name={props.name}>
      <option value="">{props.anyLabel}</option>
      {props.choices.map(([v, label]) => (
        <option key={v} value={v} selected={props.value === v}>{label}</option>
      ))}
    </select>
  );
}
