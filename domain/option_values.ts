/**
 * @module domain/option_values
 * Reading and editing a tenant's option lists. Replacing a list keeps the values still named (in
 * the new order), adds new ones and retires the rest: records that stored a retired value keep
 * it, and it is no longer offered.
 */
import { z } from "zod";
import type { Client } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import { inWriteTransaction } from "../db/transaction.ts";
import { OPTION_LISTS, optionList } from "./option_lists.ts";
import { NotFoundError } from "./errors.ts";
import { HIDDEN_CONTROLS_MESSAGE, NO_HIDDEN_CONTROLS } from "./hidden_controls.ts";
import { diff, recordAudit } from "./records/audit.ts";
import { optionChoices } from "./records/choices.ts";
import { markChanged } from "./records/changes.ts";
import { type Clock, systemClock } from "./clock.ts";

export const OptionListInputSchema = z.strictObject({
  values: z.array(
    z.string().trim().min(1, "A value cannot be blank.").max(100, "At most 100 characters.")
      .regex(NO_HIDDEN_CONTROLS, HIDDEN_CONTROLS_MESSAGE),
  )
    .min(1, "Keep at least one value.").max(200).refine(
      (values) => new Set(values.map((v) => v.toLowerCase())).size === values.length,
      "Each value may appear once.",
    ),
});

export interface OptionListView {
  key: string;
  label: string;
  values: string[];
}

export async function listOptionLists(db: Client): Promise<OptionListView[]> {
  const values = await optionChoices(db);
  return OPTION_LISTS.map((list) => ({
    key: list.key,
    label: list.label,
    values: values[list.key] ?? [],
  }));
}

export async function replaceOptionList(
  db: Client,
  key: string,
  values: string[],
  userId: string | null,
  /** The app's clock (Services.clock): dates retired values and the history entry. */
  clock: Clock = systemClock,
): Promise<OptionListView> {
  const list = optionList(key);
  if (!list) throw new NotFoundError("No such option list.");
  await inWriteTransaction(db, async (tx) => {
    const rs = await tx.execute({
      sql: "SELECT id, value, archived_at FROM option_values WHERE list = ? ORDER BY position",
      args: [key],
    });
    const before = rs.rows.filter((r) => !r.archived_at).map((r) => String(r.value));
    const existing = new Map(rs.rows.map((r) => [String(r.value).toLowerCase(), String(r.id)]));
    const now = clock.now().toISOString();
    await tx.execute({
      sql: "UPDATE option_values SET archived_at = COALESCE(archived_at, ?) WHERE list = ?",
      args: [now, key],
    });
    for (const [position, value] of values.entries()) {
      const id = existing.get(value.toLowerCase());
      if (id) {
        await tx.execute({
          sql: "UPDATE option_values SET value = ?, position = ?, archived_at = NULL WHERE id = ?",
          args: [value, position, id],
        });
      } else {
        await tx.execute({
          sql: "INSERT INTO option_values (id, list, value, position) VALUES (?, ?, ?, ?)",
          args: [newId(), key, value, position],
        });
      }
    }
    await recordAudit(tx, {
      at: now,
      userId,
      action: "update",
      entity: "option-lists",
      entityId: key,
      changes: diff({ values: before }, { values }),
    });
    await markChanged(tx);
  });
  return { key, label: list.label, values };
}
