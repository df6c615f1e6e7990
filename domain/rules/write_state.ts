/**
 * @module domain/rules/write_state
 * A record write as the rules see it: the values, lines and the record before the write.
 */
import type { RecordValues } from "../records/rows.ts";

export interface WriteState {
  values: RecordValues;
  lines: RecordValues[] | undefined;
  existing: RecordValues | null;
}
