/**
 * Appends `count` events to the chain in the database at `path` from a process of its own, for
 * security/chain_test.ts: two processes writing one chain at once must never fork it.
 */
import { openDatabase } from "../db/client.ts";
import { appendSecurityEvent } from "./chain.ts";

const [path, count, label] = Deno.args;
const db = await openDatabase({ url: `file:${path}` });
for (let i = 0; i < Number(count); i++) {
  await appendSecurityEvent(db, { action: `${label}.${i}` }, { now: new Date() });
}
db.close();
