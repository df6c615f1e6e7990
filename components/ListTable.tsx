/**
 * @module components/ListTable
 * The captioned list table of the settings and document pages: headings, rows, and one muted row
 * saying so when there are none, in a wrapper that scrolls sideways on a phone.
 */
import type { ComponentChildren } from "preact";
import { useT } from "./Words.tsx";

/** A column heading; `null` is the row-actions column, whose heading only screen readers read. */
export type ListColumn = string | { label: string; class: string } | null;

export function ListTable(props: {
  caption: ComponentChildren;
  columns: ListColumn[];
  /** Shown in place of rows when there are none. */
  empty: string;
  rows: ComponentChildren[];
  id?: string;
  class?: string;
}) {
  const t = useT();
  return (
    <div class="table-wrap">
      <table id={props.id} class={props.class}>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((column, i) =>
              column === null
                ? (
                  <th key={i} scope="col">
                    <span class="visually-hidden">{t("common.actions")}</span>
                  </th>
                )
                : typeof column === "string"
                ? <th key={i} scope="col">{column}</th>
                : <th key={i} scope="col" class={column.class}>{column.label}</th>
            )}
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0
            ? (
              <tr>
                <td colSpan={props.columns.length} class="muted">{props.empty}</td>
              </tr>
            )
            : props.rows}
        </tbody>
      </table>
    </div>
  );
}
