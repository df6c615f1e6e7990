/**
 * @module routes/records/_csv_export
 * CSV export of a list with its filters, search and sort, read page by page (keyset). The file
 * is assembled before the response starts: the tenant's database is lent to a request only
 * until its handler returns, so a stream must not read from it afterwards.
 */
import type { AppContext } from "../../http/env.ts";
import { tenantOf } from "../../http/env.ts";
import type { RecordDef } from "../../domain/records/definition.ts";
import type { ListQuery } from "../../domain/records/query.ts";
import { listRecords, titlesOf } from "../../domain/records/repository.ts";
import { csvCell, csvLine } from "../../domain/records/csv.ts";

/** Exports stop here; a list this long should be narrowed with filters. */
const MAX_ROWS = 200_000;

export async function exportCsv(
  c: AppContext,
  def: RecordDef,
  query: ListQuery,
): Promise<Response> {
  const { db, today } = tenantOf(c);
  const fields = def.fields;
  const refFields = fields.filter((f) => f.kind === "ref");
  const parts: string[] = ["\uFEFF" + csvLine(["ID", ...fields.map((f) => f.label)])];
  let cursor: string | undefined = undefined;
  let rows = 0;
  do {
    const page = await listRecords(db, def, { ...query, limit: 500, cursor });
    const titles = new Map<string, string>();
    for (const f of refFields) {
      const ids = page.data.map((r) => r[f.name]).filter(Boolean) as string[];
      for (const [id, t] of await titlesOf(db, f.ref!, ids)) titles.set(id, t);
    }
    for (const row of page.data) {
      parts.push(csvLine([String(row.id), ...fields.map((f) => csvCell(f, row[f.name], titles))]));
    }
    rows += page.data.length;
    cursor = page.next_cursor ?? undefined;
  } while (cursor && rows < MAX_ROWS);
  const day = today;
  return new Response(parts.join(""), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${def.collection}-${day}.csv"`,
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
    },
  });
}
