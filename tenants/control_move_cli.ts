/**
 * @module tenants/control_move_cli
 * `deno task control:move-to-turso`: copies this installation's local `DATA_DIR/control.db` into
 * the control database on Turso (`<TURSO_DB_PREFIX>control`, created when absent), then checks
 * every table's row count. Stop the app and the workers first. Safe to run again after an
 * interruption: it continues where it stopped and never copies a row twice.
 */
import { createClient } from "@libsql/client";
import { loadConfig } from "../config.ts";
import { fileUrl } from "../db/client.ts";
import { isEncryptedDatabase } from "../db/encrypted.ts";
import { loadKeyRing } from "../crypto/keyring.ts";
import { connectControlDatabase, controlOnTurso, localControlPath } from "./control_database.ts";
import { moveControlDatabase } from "./control_move.ts";

const config = loadConfig();
if (!controlOnTurso(config)) {
  console.error("Set TURSO_ORG and TURSO_API_TOKEN (docs/operations/turso.md) to move to Turso.");
  Deno.exit(1);
}
const path = localControlPath(config);
if (!await Deno.stat(path).then(() => true, () => false)) {
  console.error(`${path} does not exist: there is nothing to move.`);
  Deno.exit(1);
}
// The local file is encrypted at rest (or plain, from before that); the replica is encrypted too.
const keys = await loadKeyRing(config, (message) => console.error(message));
const key = await keys.controlDatabaseKey();
// Integers as bigint: every value goes over exactly as stored.
const source = createClient({
  url: fileUrl(path),
  intMode: "bigint",
  encryptionKey: await isEncryptedDatabase(path) ? key : undefined,
});
const target = await connectControlDatabase(config, { allowUnmoved: true, encryptionKey: key });
try {
  const report = await moveControlDatabase(source, target, { say: (l) => console.error(l) });
  if (report.resumed) console.error("Continued an earlier run.");
  console.table(report.tables);
  console.error("Done: every table has the same number of rows locally and on Turso.");
} catch (err) {
  console.error(`The move stopped: ${(err as Error).message}`);
  console.error("Run the command again to continue; nothing is copied twice.");
  Deno.exitCode = 1;
} finally {
  source.close();
  target.close();
}
