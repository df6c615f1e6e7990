/**
 * @module http/query
 * Query strings parsed with a zod schema, like bodies: a bad or unknown parameter answers 400
 * `invalid_request` with a message per parameter, never a 500 or a silently ignored value.
 */
import type { z } from "zod";
import { addFieldError, InvalidError } from "../domain/errors.ts";

/** Parses `query` with `schema`; throws InvalidError (400) with details per parameter. */
export function parseQuery<S extends z.ZodType>(
  schema: S,
  query: Record<string, string>,
): z.output<S> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  const details: Record<string, string[]> = {};
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        addFieldError(details, key, "This parameter is not known here.");
      }
      continue;
    }
    addFieldError(details, issue.path.map(String).join(".") || "_", issue.message);
  }
  throw new InvalidError("The query has problems.", details, 400);
}
