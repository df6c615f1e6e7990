/**
 * @module components/records/ListFilters
 * A list page's search and filter form (a GET form, so it works without JavaScript): search,
 * the "Filters" panel (a select per enum, option and boolean field, a searchable picker per
 * reference field, a range per date, archived or not), and hidden inputs that keep the rest of
 * the query in effect. A reference filter is the FilterPicker island: a select of the choices the
 * page carries without JavaScript, the type-ahead combobox over the lookup API with it, so a
 * collection too big for a select (or of deals, picked by number) can still be filtered on.
 */
import type { FieldDef } from "../../domain/records/fields.ts";
import { T, useT } from "../Words.tsx";
import { Island } from "../../framework/island.tsx";
import FilterPicker from "../../islands/FilterPicker.tsx";

export interface ListFiltersProps {
  /** The list's path, e.g. `/purchase-orders`. */
  base: string;
  plural: string;
  /** The record type's filterable fields. */
  fields: readonly FieldDef[];
  /** The page's non-empty query values. */
  query: Record<string, string>;
  archived: "exclude" | "include" | "only";
  /** Active values of each option list. */
  options: Record<string, string[]>;
  /** [id, title] choices per reference field name; a field without an entry gets no select. */
  refs: Record<string, Array<[string, string]>>;
}

/** Whether the filter gets a control: every reference filter but one set to several ids. */
function hasControl(field: FieldDef, query: ListFiltersProps["query"]): boolean {
  return field.kind === "ref"
    ? !query[field.name]?.includes(",")
    : ["enum", "option", "boolean", "date"].includes(field.kind);
}

/** Longest option text a filter shows: a longer record title would widen the panel on a phone. */
const MAX_CHOICE_CHARS = 32;

function shortLabel(label: string): string {
  return label.length > MAX_CHOICE_CHARS
    ? `${label.slice(0, MAX_CHOICE_CHARS - 1).trimEnd()}…`
    : label;
}

function FilterControl(
  props: { field: FieldDef } & Pick<ListFiltersProps, "query" | "options" | "refs">,
) {
  const { field, query } = props;
  const t = useT();
  const id = `filter-${field.name}`;
  if (field.kind === "date") {
    return (
      <div class="field">
        <label for={`${id}-from`}>{t("list.from", { field: field.label })}</label>
        <input
          type="date"
          id={`${id}-from`}
          name={`${field.name}_from`}
          value={query[`${field.name}_from`] ?? ""}
        />
        <label for={`${id}-to`} class="visually-hidden">
          {t("list.to", { field: field.label })}
        </label>
        <input
          type="date"
          id={`${id}-to`}
          name={`${field.name}_to`}
          value={query[`${field.name}_to`] ?? ""}
          aria-label={t("list.to", { field: field.label })}
        />
      </div>
    );
  }
  const choices: Array<[string, string]> = field.kind === "enum"
    ? (field.values ?? []).map((v) => [v.value, v.label])
    : field.kind === "boolean"
    ? [["true", t("list.yes")], ["false", t("list.no")]]
    : field.kind === "ref"
    ? (props.refs[field.name] ?? []).map(([v, title]) => [v, shortLabel(title)])
    : (props.options[field.list!] ?? []).map((v) => [v, v]);
  const current = query[field.name]?.trim();
  if (field.kind === "ref") {
    // A chosen record the page has no title for (a big collection) still shows as chosen.
    const known = current && !choices.some(([v]) => v === current);
    return (
      <div class="field">
        <label for={id}>{field.label}</label>
        <Island
          name="FilterPicker"
          component={FilterPicker}
          props={{
            id,
            name: field.name,
            collection: field.ref!,
            value: current ?? "",
            choices: known
              ? [[current, t("list.chosen_record")] as [string, string], ...choices]
              : choices,
            anyLabel: t("list.any"),
          }}
        />
      </div>
    );
  }
  return (
    <div class="field">
      <label for={id}>{field.label}</label>
      <select id={id} name={field.name}>
        <option value="">{t("list.any")}</option>
        {choices.map(([v, label]) => (
          <option key={v} value={v} selected={current === v}>{label}</option>
        ))}
      </select>
    </div>
  );
}

/** The search box and Filters panel above a record list; each query parameter appears once. */
export function ListFilters(props: ListFiltersProps) {
  const t = useT();
  const { base, query } = props;
  const visible = props.fields.filter((f) => hasControl(f, query));
  // A reference filter on several ids (a "See all" link) stays in effect as a hidden input; one
  // with a picker is sent by the picker alone.
  const hidden = props.fields.filter((f) =>
    f.kind === "ref" && !hasControl(f, query) && query[f.name]
  );
  // The panel starts open when a filter is in use (and closed, out of the way, if not).
  const filtering = Object.keys(query).some((k) => !["q", "sort", "cursor", "limit"].includes(k));
  return (
    <form
      method="get"
      action={base}
      class="filters"
      role="search"
      aria-label={t("list.filter_plural", { plural: props.plural.toLowerCase() })}
    >
      <div class="field grow">
        <label for="list-q">
          <T>Search</T>
        </label>
        <input
          type="search"
          id="list-q"
          name="q"
          value={query.q ?? ""}
          placeholder={t("list.search_placeholder")}
        />
      </div>
      <details class="more-filters" open={filtering || undefined}>
        <summary>{filtering ? t("list.filters_on") : t("list.filters")}</summary>
        <div class="more-filters-body">
          {visible.map((field) => (
            <FilterControl
              key={field.name}
              field={field}
              query={query}
              options={props.options}
              refs={props.refs}
            />
          ))}
          <div class="field">
            <label for="list-archived">
              <T>Archived</T>
            </label>
            <select id="list-archived" name="archived">
              <option value="exclude" selected={props.archived === "exclude"}>
                {t("list.archived_hide")}
              </option>
              <option value="include" selected={props.archived === "include"}>
                {t("list.archived_include")}
              </option>
              <option value="only" selected={props.archived === "only"}>
                {t("list.archived_only")}
              </option>
            </select>
          </div>
        </div>
      </details>
      {hidden.map((f) => <input key={f.name} type="hidden" name={f.name} value={query[f.name]} />)}
      {query.sort ? <input type="hidden" name="sort" value={query.sort} /> : null}
      <div class="filter-actions">
        <button class="button primary" type="submit">
          <T>Apply</T>
        </button>
        <a class="button secondary" href={base}>
          <T>Clear</T>
        </a>
      </div>
    </form>
  );
}
