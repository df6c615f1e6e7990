/**
 * @module domain/records/repository
 * Reads and writes records of any type described in `domain/catalog.ts`, given the tenant's
 * database from the request's tenant context. A write validates references and option values,
 * applies the type's rules (numbering, totals, credit, payments), and writes the record, its
 * lines, its history and its search entry in one transaction; a stale version changes nothing.
 */
import * as fmt from "../format.ts";
import { newId } from "../../db/ids.ts";
import { type Executor, inWriteTransaction } from "../../db/transaction.ts";
import { firstRow } from "../../db/first_row.ts";
import { addFieldError, ConflictError, InvalidError, NotFoundError } from "../errors.ts";
import { recordType } from "../catalog.ts";
import { languageOf, translator } from "../../i18n/mod.ts";
import { inputFields, type RecordDef } from "./definition.ts";
import { type Changes, diff, historyOf, recordAudit } from "./audit.ts";
import { type RecordValues, toApi, toStored } from "./rows.ts";
import { buildCount, buildList, type ListQuery, selectList } from "./query.ts";
import { deleteSearchDoc, searchBody, upsertSearchDoc } from "./search.ts";
import { rulesFor } from "../rules/mod.ts";
import { markChanged } from "./changes.ts";
import { customFieldValues } from "./custom_values.ts";
import { runRecordRules } from "../rules/engine.ts";
import { unitsFromProducts } from "../units.ts";

/** Who is writing, in which tenant database. Built by routes from the tenant context. */
export type { RecordContext } from "./context.ts";
import { type RecordContext, writeTime } from "./context.ts";

export interface ListResult {
  data: RecordValues[];
  next_cursor: string | null;
}

/** The title a record is shown by in links, search results and related lists. */
export function recordTitle(
  def: RecordDef,
  row: RecordValues,
  format: fmt.FormatSettings = fmt.DEFAULT_FORMAT,
): string {
  if (def.collection === "contacts") {
    return [row.first_name, row.last_name].filter(Boolean).join(" ");
  }
  if (def.collection === "payments") {
    const amount = fmt.money(row.amount_cents ?? 0, format);
    const on = fmt.date(row.paid_on, format);
    // "on" in the language of the formats' locale, as the date beside it ("del 20 oct 2026").
    const when = on
      ? ` ${translator(languageOf(format.locale) ?? "en")("record.paid_on", { date: on })}`
      : "";
    return `${row.reference ? `${row.reference} · ` : ""}${amount}${when}`;
  }
  const value = row[def.titleField];
  return value === null || value === undefined || value === "" ? "(untitled)" : String(value);
}

/**
 * A list page as JSON text, ready to send (rows are serialized by SQLite), with `total`: how many
 * records match the filters and search over all pages, so a client can show "1–50 of 184".
 */
export async function listRecordsJson(
  db: Executor,
  def: RecordDef,
  query: ListQuery,
): Promise<string> {
  const { rows, next_cursor } = await listRows(db, def, query);
  // The first page answers the count itself when it is the whole list (no second query).
  const total = !next_cursor && !query.cursor && !query.page
    ? rows.length
    : await countRecords(db, def, query);
  return `{"data":[${rows.join(",")}],"next_cursor":${
    JSON.stringify(next_cursor)
  },"total":${total}}`;
}

/** How many records a list shows over all its pages. */
export async function countRecords(
  db: Executor,
  def: RecordDef,
  query: ListQuery,
): Promise<number> {
  const { sql, args } = buildCount(def, query);
  const rs = await db.execute({ sql, args });
  return Number(rs.rows[0]?.n ?? 0);
}

/** A list page as objects (pages, CSV). */
export async function listRecords(
  db: Executor,
  def: RecordDef,
  query: ListQuery,
): Promise<ListResult> {
  // Custom values come flat from SQLite, as pages and CSV read them (no object moved per row).
  const { rows, next_cursor } = await listRows(db, def, query, false);
  return { data: rows.map((j) => JSON.parse(j) as RecordValues), next_cursor };
}

async function listRows(
  db: Executor,
  def: RecordDef,
  query: ListQuery,
  nested = true,
): Promise<{ rows: string[]; next_cursor: string | null }> {
  const built = buildList(def, query, nested);
  if (built.badCursor) throw new InvalidError("That cursor is not valid for this list.");
  const rs = await db.execute({ sql: built.sql, args: built.args });
  const more = rs.rows.length > query.limit;
  const page = more ? rs.rows.slice(0, query.limit) : rs.rows;
  return {
    rows: page.map((row) => row.j as string),
    next_cursor: more ? built.cursorFor(page[page.length - 1]! as Record<string, unknown>) : null,
  };
}

async function readRow(db: Executor, def: RecordDef, id: string): Promise<RecordValues | null> {
  // By primary key: at most one row, read alone (db/first_row.ts).
  const row = await firstRow(db, {
    sql: `SELECT ${selectList(def)} FROM ${def.table} WHERE ${def.table}.id = ?`,
    args: [id],
  });
  return (row as unknown as RecordValues | undefined) ?? null;
}

async function readLines(db: Executor, def: RecordDef, id: string): Promise<RecordValues[]> {
  if (!def.lines) return [];
  const rs = await db.execute({
    sql: `SELECT * FROM ${def.lines.table} WHERE ${def.lines.parentKey} = ? ORDER BY position`,
    args: [id],
  });
  return rs.rows.map((row) => toApi({ fields: def.lines!.fields }, row as unknown as RecordValues));
}

/** One record with its lines; 404 for ids that are not in this tenant's database. */
export async function getRecord(db: Executor, def: RecordDef, id: string): Promise<RecordValues> {
  const row = await readRow(db, def, id);
  if (!row) throw new NotFoundError(`No such ${def.singular.toLowerCase()}.`);
  const record = toApi(def, row);
  if (def.lines) record.lines = await readLines(db, def, id);
  return record;
}

/** Titles of records of one collection by id, for links in lists and pages. */
export async function titlesOf(
  db: Executor,
  collection: string,
  ids: Iterable<string>,
): Promise<Map<string, string>> {
  const def = recordType(collection);
  const unique = [...new Set(ids)].filter(Boolean);
  const out = new Map<string, string>();
  if (!def || unique.length === 0) return out;
  for (let i = 0; i < unique.length; i += 200) {
    const chunk = unique.slice(i, i + 200);
    const rs = await db.execute({
      sql: `SELECT * FROM ${def.table} WHERE id IN (${chunk.map(() => "?").join(",")})`,
      args: chunk,
    });
    for (const row of rs.rows) {
      out.set(String(row.id), recordTitle(def, row as unknown as RecordValues));
    }
  }
  return out;
}

// --- writes -------------------------------------------------------------------------------

/** Checks references exist (and are not archived when newly set) and option values are known. */
async function validateValues(
  tx: Executor,
  def: RecordDef,
  values: RecordValues,
  existing: RecordValues | null,
  lines: RecordValues[] | undefined,
): Promise<void> {
  const errors: Record<string, string[]> = {};
  const options = await optionValues(tx);

  const check = async (fields: RecordDef["fields"], vals: RecordValues, prefix: string) => {
    for (const field of fields) {
      if (field.computed || !(field.name in vals)) continue;
      const value = vals[field.name];
      if (value === null || value === undefined) continue;
      const key = prefix + field.name;
      if (field.kind === "ref") {
        const target = recordType(field.ref!)!;
        const rs = await tx.execute({
          sql: `SELECT archived_at FROM ${target.table} WHERE id = ?`,
          args: [value as string],
        });
        if (!rs.rows[0]) {
          addFieldError(errors, key, `No such ${target.singular.toLowerCase()}.`);
        } else if (rs.rows[0].archived_at && existing?.[field.name] !== value) {
          addFieldError(errors, key, `That ${target.singular.toLowerCase()} is archived.`);
        }
      }
      if ((field.kind === "option" || field.kind === "options") && field.list) {
        const known = options.get(field.list!) ?? new Map<string, string>();
        const list = field.kind === "option" ? [value as string] : (value as string[]);
        const previous = existing ? [existing[field.name]].flat() : [];
        const normalized: string[] = [];
        for (const item of list) {
          const canonical = known.get(item.toLowerCase());
          if (canonical) normalized.push(canonical);
          else if (previous.includes(item)) normalized.push(item); // a retired value kept as is
          else addFieldError(errors, key, `"${item}" is not in the ${field.label} list.`);
        }
        vals[field.name] = field.kind === "option" ? normalized[0] ?? value : normalized;
      }
    }
  };
  await check(def.fields, values, "");
  if (def.lines && lines) {
    for (const [i, line] of lines.entries()) await check(def.lines.fields, line, `lines.${i}.`);
  }
  if (Object.keys(errors).length) {
    throw new InvalidError("Some fields need attention.", errors, 422);
  }
}

async function optionValues(tx: Executor): Promise<Map<string, Map<string, string>>> {
  const rs = await tx.execute("SELECT list, value FROM option_values WHERE archived_at IS NULL");
  const out = new Map<string, Map<string, string>>();
  for (const row of rs.rows) {
    const list = String(row.list);
    let values = out.get(list);
    if (!values) out.set(list, values = new Map());
    values.set(String(row.value).toLowerCase(), String(row.value));
  }
  return out;
}

/** Turns a unique-index failure into a 409 on the field that collided. */
export function conflictFrom(def: RecordDef, err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  const m = /UNIQUE constraint failed: \w+\.(\w+)/.exec(message);
  if (m) {
    const field = def.fields.find((f) => f.name === m[1]);
    throw new ConflictError(
      `Another ${def.singular.toLowerCase()} already has this ${
        (field?.label ?? m[1]!).toLowerCase()
      }.`,
      { [m[1]!]: [`Already used by another ${def.singular.toLowerCase()}.`] },
    );
  }
  throw err;
}

async function writeLines(
  tx: Executor,
  def: RecordDef,
  id: string,
  lines: RecordValues[],
): Promise<void> {
  const spec = def.lines!;
  await tx.execute({ sql: `DELETE FROM ${spec.table} WHERE ${spec.parentKey} = ?`, args: [id] });
  for (const [position, line] of lines.entries()) {
    const cols = ["id", spec.parentKey, "position"];
    const args: Array<string | number | null> = [newId(), id, position];
    for (const field of spec.fields) {
      if (!(field.name in line)) continue;
      cols.push(field.name);
      args.push(toStored(field, line[field.name]));
    }
    await tx.execute({
      sql: `INSERT INTO ${spec.table} (${cols.join(", ")}) VALUES (${
        cols.map(() => "?").join(", ")
      })`,
      args,
    });
  }
}

/** Fills defaults for fields the client left out on create. */
function withDefaults(def: RecordDef, input: RecordValues): RecordValues {
  const values: RecordValues = {};
  for (const field of inputFields(def)) {
    if (field.name in input && input[field.name] !== undefined) {
      values[field.name] = input[field.name];
    } else if (field.defaultValue !== undefined) values[field.name] = field.defaultValue;
    else if (field.kind === "boolean") values[field.name] = false;
    else if (field.kind === "options") values[field.name] = [];
    else values[field.name] = null;
  }
  return values;
}

function lineDefaults(def: RecordDef, lines: RecordValues[]): RecordValues[] {
  return lines.map((line) => {
    const out: RecordValues = {};
    for (const field of def.lines!.fields) {
      if (field.computed) continue;
      const v = line[field.name];
      out[field.name] = v !== undefined && v !== null ? v : field.defaultValue ?? (
        field.kind === "integer" || field.kind === "decimal" ? 0 : null
      );
    }
    return out;
  });
}

async function indexForSearch(
  tx: Executor,
  def: RecordDef,
  record: RecordValues,
): Promise<void> {
  // Deals are also found by their parties' names.
  const extra: string[] = [];
  // The built-in name, whatever the workspace calls it: the reader's is put in when shown.
  const typeName = recordType(def.collection)?.singular ?? def.singular;
  let subtitle = typeName;
  for (const field of def.fields) {
    if (field.kind !== "ref" || !field.column || !record[field.name]) continue;
    const titles = await titlesOf(tx, field.ref!, [record[field.name] as string]);
    const title = titles.get(record[field.name] as string);
    if (title) {
      extra.push(title);
      if (field.required) subtitle = `${typeName} · ${title}`;
    }
  }
  if (def.collection === "plants" && record.est_number) {
    subtitle = `Plant · EST ${record.est_number}`;
  }
  if (def.collection === "carriers" && record.mc_number) {
    subtitle = `Carrier · MC ${record.mc_number}`;
  }
  await upsertSearchDoc(
    tx,
    def,
    String(record.id),
    recordTitle(def, record),
    subtitle,
    searchBody(def, record, extra),
  );
}

/** Creates a record; returns it as the API shows it. */
export async function createRecord(
  ctx: RecordContext,
  def: RecordDef,
  input: RecordValues,
  /**
   * A check of other records run inside the write transaction, before the insert: what it reads
   * cannot change before the commit (a load invoiced twice by two requests at once).
   */
  precondition?: (tx: Executor) => Promise<void>,
): Promise<RecordValues> {
  let record: RecordValues;
  try {
    record = await inWriteTransaction(ctx.db, async (tx) => {
      if (precondition) await precondition(tx);
      return await createRecordIn(tx, ctx, def, input);
    });
  } catch (err) {
    ctx.ruleEffects?.pending.splice(0); // nothing was written: nothing to announce
    conflictFrom(def, err);
  }
  await deliverRuleEffects(ctx);
  await afterSave(ctx, def, "create", record, null);
  return record;
}

/** Tells the extension hooks about a committed write; they cannot undo it. */
async function afterSave(
  ctx: RecordContext,
  def: RecordDef,
  action: "create" | "update",
  record: RecordValues,
  existing: RecordValues | null,
): Promise<void> {
  if (!ctx.hooks) return;
  const { lines, ...values } = record;
  await ctx.hooks.afterSave({
    collection: def.collection,
    action,
    values,
    lines: lines as RecordValues[] | undefined,
    existing,
    record,
  });
}

/** Creates a record inside a transaction the caller holds (CSV import: all rows or none). */
export async function createRecordIn(
  tx: Executor,
  ctx: RecordContext,
  def: RecordDef,
  input: RecordValues,
): Promise<RecordValues> {
  const rules = rulesFor(def.collection);
  const id = newId();
  const values = withDefaults(def, input);
  const lines = def.lines ? lineDefaults(def, (input.lines as RecordValues[]) ?? []) : undefined;
  if (lines) await unitsFromProducts(tx, (input.lines as RecordValues[]) ?? [], lines);
  await validateValues(tx, def, values, null, lines);
  if (def.numbering && !values.number) values.number = await nextNumber(tx, def);
  const computed = await rules.prepare?.(tx, ctx, { values, lines, existing: null }) ?? {};
  const now = writeTime(ctx);
  const stored: RecordValues = { ...values, ...computed };
  if (ctx.hooks) {
    const event = { collection: def.collection, action: "create" as const, existing: null };
    await ctx.hooks.beforeSave(tx, { ...event, values: { ...stored }, lines });
  }
  const cols = ["id", "version", "created_at", "created_by", "updated_at", "updated_by"];
  const args: Array<string | number | null> = [id, 1, now, ctx.userId, now, ctx.userId];
  for (const field of def.fields) {
    if (field.sql || !(field.name in stored)) continue;
    cols.push(field.name);
    args.push(toStored(field, stored[field.name]));
  }
  const custom = customFieldValues(def, stored, false);
  if (custom) (cols.push("custom_fields"), args.push(JSON.stringify(custom)));
  await tx.execute({
    sql: `INSERT INTO ${def.table} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`,
    args,
  });
  if (lines) await writeLines(tx, def, id, lines);
  await rules.afterWrite?.(tx, ctx, { id, existing: null });
  const record = await getRecord(tx, def, id);
  const changes: Changes = diff(null, stripEmpty(values));
  if (lines?.length) changes.lines = [null, linesSummary(record)];
  await finishWrite(tx, ctx, def, record, "create", changes);
  return await applyTenantRules(tx, ctx, def, record, null);
}

/** The tenant's own rules (domain/rules/engine.ts); a field they set is re-read and re-indexed. */
async function applyTenantRules(
  tx: Executor,
  ctx: RecordContext,
  def: RecordDef,
  record: RecordValues,
  existing: RecordValues | null,
): Promise<RecordValues> {
  const outcome = await runRecordRules(tx, ctx, def, record, existing);
  if (!outcome.fieldsSet) return record;
  const after = await getRecord(tx, def, String(record.id));
  await indexForSearch(tx, def, after);
  return after;
}

/** Hands the rules' notices and jobs on once the write is committed. */
async function deliverRuleEffects(ctx: RecordContext): Promise<void> {
  const sink = ctx.ruleEffects;
  if (!sink || !sink.pending.length) return;
  const effects = sink.pending.splice(0);
  await sink.deliver(effects);
}

/** What every create and update ends with: its history entry, its search entry, the counter. */
async function finishWrite(
  tx: Executor,
  ctx: RecordContext,
  def: RecordDef,
  record: RecordValues,
  action: "create" | "update",
  changes: Changes,
): Promise<void> {
  await recordAudit(tx, {
    at: writeTime(ctx),
    userId: ctx.userId,
    action,
    entity: def.collection,
    entityId: String(record.id),
    changes,
  });
  await indexForSearch(tx, def, record);
  await markChanged(tx);
}

function stripEmpty(values: RecordValues): RecordValues {
  const out: RecordValues = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === "" || (Array.isArray(v) && v.length === 0) || v === false) continue;
    out[k] = v;
  }
  return out;
}

function linesSummary(record: RecordValues): string {
  const lines = (record.lines as RecordValues[] | undefined) ?? [];
  const total = lines.reduce((sum, l) => sum + Number(l.amount_cents ?? 0), 0);
  return `${fmt.counted(lines.length, "line")}, ${fmt.money(total)}`;
}

/** The next free number for a numbered record type (PO-10001, ...), taken in the transaction. */
async function nextNumber(tx: Executor, def: RecordDef): Promise<string> {
  const { kind, prefix, start } = def.numbering!;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const rs = await tx.execute({
      sql: `INSERT INTO counters (kind, next) VALUES (?, ?)
            ON CONFLICT(kind) DO UPDATE SET next = next + 1 RETURNING next`,
      args: [kind, start],
    });
    const candidate = `${prefix}${rs.rows[0]!.next}`;
    // A number typed by hand may already hold this value: skip it rather than fail.
    const taken = await tx.execute({
      sql: `SELECT 1 FROM ${def.table} WHERE number = ? COLLATE NOCASE`,
      args: [candidate],
    });
    if (!taken.rows.length) return candidate;
  }
  throw new ConflictError("Could not find a free number; enter one by hand.");
}

/** Applies a partial update at the version the client read; a stale version gets 409. */
export async function updateRecord(
  ctx: RecordContext,
  def: RecordDef,
  id: string,
  input: RecordValues,
): Promise<RecordValues> {
  const rules = rulesFor(def.collection);
  let before: RecordValues | null = null;
  let saved: RecordValues;
  try {
    saved = await inWriteTransaction(ctx.db, async (tx) => {
      const existing = before = await getRecord(tx, def, id);
      const { version, lines: inputLines, ...patch } = input;
      if (existing.version !== version) {
        throw new ConflictError(
          `This ${def.singular.toLowerCase()} was changed by someone else since you opened it. Reload and apply your change again.`,
          { version: existing.version },
        );
      }
      const lines = def.lines && inputLines !== undefined
        ? lineDefaults(def, inputLines as RecordValues[])
        : undefined;
      if (lines) await unitsFromProducts(tx, inputLines as RecordValues[], lines);
      for (const [k, v] of Object.entries(patch)) if (v === undefined) delete patch[k];
      if (def.numbering && "number" in patch && !patch.number) delete patch.number;
      await validateValues(tx, def, patch, existing, lines);
      const values: RecordValues = {};
      for (const field of inputFields(def)) {
        values[field.name] = field.name in patch ? patch[field.name] : existing[field.name];
      }
      const computed = await rules.prepare?.(tx, ctx, { values, lines, existing }) ?? {};
      if (ctx.hooks) {
        await ctx.hooks.beforeSave(tx, {
          collection: def.collection,
          action: "update",
          values: { ...values, ...computed },
          lines: lines ?? (existing.lines as RecordValues[] | undefined),
          existing,
        });
      }
      const changes = diff(existing, { ...pick(patch, Object.keys(patch)), ...computed });
      for (const key of Object.keys(computed)) {
        if (!(key in patch) && changes[key]) delete changes[key]; // derived; shown via totals
      }
      const sets: string[] = [];
      const args: Array<string | number | null> = [];
      const stored: RecordValues = { ...patch, ...computed };
      for (const field of def.fields) {
        if (field.sql || !(field.name in stored)) continue;
        sets.push(`${field.name} = ?`);
        args.push(toStored(field, stored[field.name]));
      }
      const custom = customFieldValues(def, stored, true);
      // A merge patch: a null removes the key; keys of fields not in this write stay as they are.
      if (custom) {
        (sets.push("custom_fields = json_patch(custom_fields, ?)"),
          args.push(JSON.stringify(custom)));
      }
      sets.push("version = version + 1", "updated_at = ?", "updated_by = ?");
      args.push(writeTime(ctx), ctx.userId, id, existing.version as number);
      const rs = await tx.execute({
        sql: `UPDATE ${def.table} SET ${sets.join(", ")} WHERE id = ? AND version = ?`,
        args,
      });
      if (rs.rowsAffected !== 1) {
        throw new ConflictError(`This ${def.singular.toLowerCase()} was changed meanwhile.`);
      }
      if (lines) await writeLines(tx, def, id, lines);
      await rules.afterWrite?.(tx, ctx, { id, existing });
      const record = await getRecord(tx, def, id);
      if (lines) {
        const before = linesSummary(existing);
        const after = linesSummary(record);
        if (before !== after || JSON.stringify(existing.lines) !== JSON.stringify(record.lines)) {
          changes.lines = [before, after];
        }
      }
      for (const key of ["total_cents", "outstanding_cents"]) {
        if (key in record && existing[key] !== record[key]) {
          changes[key] = [existing[key], record[key]];
        }
      }
      await finishWrite(tx, ctx, def, record, "update", changes);
      return await applyTenantRules(tx, ctx, def, record, existing);
    });
  } catch (err) {
    ctx.ruleEffects?.pending.splice(0); // nothing was written: nothing to announce
    conflictFrom(def, err);
  }
  await deliverRuleEffects(ctx);
  await afterSave(ctx, def, "update", saved, before);
  return saved;
}

function pick(values: RecordValues, keys: string[]): RecordValues {
  const out: RecordValues = {};
  for (const key of keys) out[key] = values[key];
  return out;
}

/** Archives or restores a record (kept for history and references, hidden from lists). */
export async function setArchived(
  ctx: RecordContext,
  def: RecordDef,
  id: string,
  archived: boolean,
): Promise<RecordValues> {
  const rules = rulesFor(def.collection);
  return await inWriteTransaction(ctx.db, async (tx) => {
    const existing = await getRecord(tx, def, id);
    if (Boolean(existing.archived_at) === archived) return existing;
    if (!archived) await rules.beforeRestore?.(tx, ctx, existing);
    const now = writeTime(ctx);
    const at = archived ? now : null;
    await tx.execute({
      sql: `UPDATE ${def.table} SET archived_at = ?, version = version + 1, updated_at = ?,
            updated_by = ? WHERE id = ?`,
      args: [at, now, ctx.userId, id],
    });
    await rules.afterWrite?.(tx, ctx, { id, existing });
    await recordAudit(tx, {
      at: now,
      userId: ctx.userId,
      action: archived ? "archive" : "restore",
      entity: def.collection,
      entityId: id,
      changes: { archived_at: [existing.archived_at, at] },
    });
    await markChanged(tx);
    return await getRecord(tx, def, id);
  });
}

/** What still points at a record: "3 purchase orders, 1 load". Empty when nothing does. */
export async function referencesTo(
  db: Executor,
  def: RecordDef,
  id: string,
): Promise<Array<{ label: string; collection: string; count: number }>> {
  const out = [];
  for (const ref of def.references) {
    const target = recordType(ref.collection)!;
    const rs = await db.execute({
      sql: `SELECT COUNT(*) AS n FROM ${target.table} WHERE ${ref.column} = ?`,
      args: [id],
    });
    const count = Number(rs.rows[0]!.n);
    if (count) out.push({ label: ref.label, collection: ref.collection, count });
  }
  if (def.collection === "purchase-orders") {
    const rs = await db.execute({
      sql: "SELECT COUNT(*) AS n FROM sales_order_lines WHERE purchase_order_id = ?",
      args: [id],
    });
    const count = Number(rs.rows[0]!.n);
    if (count) out.push({ label: "Sales order lines", collection: "sales-orders", count });
  }
  if (def.collection === "products") {
    for (const table of ["purchase_order_lines", "sales_order_lines", "invoice_lines"]) {
      const rs = await db.execute({
        sql: `SELECT COUNT(*) AS n FROM ${table} WHERE product_id = ?`,
        args: [id],
      });
      const count = Number(rs.rows[0]!.n);
      if (count) out.push({ label: "Order lines", collection: "purchase-orders", count });
    }
  }
  return out;
}

/** Deletes a record nothing references; otherwise 409 naming what does (archive it instead). */
export async function deleteRecord(ctx: RecordContext, def: RecordDef, id: string): Promise<void> {
  const rules = rulesFor(def.collection);
  await inWriteTransaction(ctx.db, async (tx) => {
    const existing = await getRecord(tx, def, id);
    if (!def.deletable) {
      throw new ConflictError(`A ${def.singular.toLowerCase()} cannot be deleted.`);
    }
    await rules.beforeDelete?.(tx, ctx, existing);
    const refs = await referencesTo(tx, def, id);
    if (refs.length) {
      throw new ConflictError(
        `This ${def.singular.toLowerCase()} is still referenced by ${
          refs.map((r) => `${r.count} ${r.label.toLowerCase()}`).join(", ")
        }. Archive it instead.`,
        { references: refs },
      );
    }
    if (def.lines) {
      await tx.execute({
        sql: `DELETE FROM ${def.lines.table} WHERE ${def.lines.parentKey} = ?`,
        args: [id],
      });
    }
    await tx.execute({ sql: `DELETE FROM ${def.table} WHERE id = ?`, args: [id] });
    await rules.afterDelete?.(tx, ctx, existing);
    await recordAudit(tx, {
      at: writeTime(ctx),
      userId: ctx.userId,
      action: "delete",
      entity: def.collection,
      entityId: id,
      changes: Object.fromEntries(
        Object.entries(stripEmpty(pick(existing, def.fields.map((f) => f.name)))).map((
          [k, v],
        ) => [k, [v, null]]),
      ),
    });
    await deleteSearchDoc(tx, id);
    await markChanged(tx);
  });
}

export { historyOf };

/**
 * The newest `limit` records of each kind that point at this one (a customer's sales orders and
 * invoices, a load's payments), for its detail page; kinds with none are left out.
 */
export async function relatedRecords(
  db: Executor,
  def: RecordDef,
  id: string,
  limit = 10,
): Promise<
  Array<{ ref: RecordDef["references"][number]; target: RecordDef; rows: RecordValues[] }>
> {
  const out = [];
  for (const ref of def.references) {
    const target = recordType(ref.collection)!;
    const rs = await db.execute({
      sql: `SELECT * FROM ${target.table} WHERE ${ref.column} = ?
            ORDER BY created_at DESC, id DESC LIMIT ?`,
      args: [id, limit],
    });
    if (rs.rows.length) {
      out.push({ ref, target, rows: rs.rows as unknown as RecordValues[] });
    }
  }
  return out;
}
