/**
 * @module domain/records/context
 * Who writes, and to which tenant database: what every record write and rule is handed. Kept
 * apart from the repository so the rules it calls can name it without importing it back.
 */
import type { Client } from "../../db/client.ts";
import type { Role } from "../../auth/roles.ts";

/** The tenant database of the request or job, and the person (or null for the system) acting. */
export interface RecordContext {
  db: Client;
  userId: string | null;
  userName?: string;
  role: Role | null;
}
