/**
 * @module tenants/control_database
 * Where the control database lives (tenants, users, sessions, tokens, domains, billing events,
 * jobs). One machine: the local file `DATA_DIR/control.db`, as always. With `TURSO_ORG` and
 * `TURSO_API_TOKEN`: one Turso database, `<TURSO_DB_PREFIX>control`, that every machine opens as an
 * embedded replica (`DATA_DIR/replicas/control.db`): reads are local, writes go to the primary and
 * are read back at once (libSQL's read-your-writes), so the job queue, the tenant registry and the
 * sessions are the same on every machine.
 *
 * The database's hostname is looked up through the Platform API (Turso's hostnames carry the
 * organization and, for newer groups, the cloud region, so it cannot be derived from the name);
 * a missing control database is created in `TURSO_GROUP`. An installation whose local `control.db`
 * holds workspaces is refused until `deno task control:move-to-turso` has copied it (tenants/
 * control_move.ts), so switching Turso on never starts the app on an empty registry.
 */
import { join } from "node:path";
import type { Config } from "../config.ts";
import { type Client, fileUrl, openDatabase, type OpenOptions } from "../db/client.ts";
import { isNotADatabase } from "../db/encrypted.ts";
import { type KeyRing, loadKeyRing, openControlWith } from "../crypto/keyring.ts";
import { TursoPlatform } from "./turso_platform.ts";

export interface ControlDatabaseOptions {
  /** Encrypts the local file or replica at rest; `TURSO_ENCRYPTION_KEY` for a replica otherwise. */
  encryptionKey?: string;
  /** Opens the client; tests replace it because a replica cannot open without a sync server. */
  openClient?: (options: OpenOptions) => Promise<Client>;
  /** The Platform API client (tests pass one pointed at a loopback double). */
  platform?: TursoPlatform;
  /** For the move command only: open even though a local control.db has not been moved yet. */
  allowUnmoved?: boolean;
  /**
   * Opens this machine's local control database (e.g. encrypted at rest) to check it for
   * workspaces that were never moved; called only when the file exists. Plain file by default.
   */
  openLocal?: () => Promise<Client>;
}

/** The table where `control:move-to-turso` records its progress and, at the end, completion. */
export const MOVE_PROGRESS_TABLE = "_control_move";

/** The local control database file. */
export function localControlPath(config: Pick<Config, "DATA_DIR">): string {
  return join(config.DATA_DIR, "control.db");
}

/** Whether the control database is on Turso (both settings) or local (neither); half refused. */
export function controlOnTurso(config: Pick<Config, "TURSO_ORG" | "TURSO_API_TOKEN">): boolean {
  if (!config.TURSO_ORG && !config.TURSO_API_TOKEN) return false;
  if (!config.TURSO_ORG || !config.TURSO_API_TOKEN) {
    throw new Error(
      "Set both TURSO_ORG and TURSO_API_TOKEN to use Turso, or neither for local files.",
    );
  }
  return true;
}

/** The Turso database name of the control database. */
export function controlDatabaseName(config: Pick<Config, "TURSO_DB_PREFIX">): string {
  return `${config.TURSO_DB_PREFIX}control`;
}

/**
 * Opens the control database where the configuration puts it (not yet migrated: the caller runs
 * `migrate(client, "control")`, the same migrations in both places).
 */
export async function connectControlDatabase(
  config: Config,
  options: ControlDatabaseOptions = {},
): Promise<Client> {
  const open = options.openClient ?? openDatabase;
  if (!controlOnTurso(config)) {
    return await open({
      url: fileUrl(localControlPath(config)),
      encryptionKey: options.encryptionKey,
    });
  }
  const platform = options.platform ?? new TursoPlatform({
    apiUrl: config.TURSO_API_URL,
    org: config.TURSO_ORG!,
    apiToken: config.TURSO_API_TOKEN!,
  });
  const name = controlDatabaseName(config);
  const database = await platform.ensureDatabase(name, config.TURSO_GROUP);
  const replicaDir = join(config.DATA_DIR, "replicas");
  await Deno.mkdir(replicaDir, { recursive: true });
  const replica = join(replicaDir, "control.db");
  const replicaOptions = {
    url: fileUrl(replica),
    syncUrl: `libsql://${database.hostname}`,
    authToken: config.TURSO_GROUP_AUTH_TOKEN ?? await platform.createDatabaseToken(name),
    syncInterval: config.TURSO_SYNC_INTERVAL_SECONDS || undefined,
    encryptionKey: options.encryptionKey ?? config.TURSO_ENCRYPTION_KEY,
  };
  let client: Client;
  try {
    client = await open(replicaOptions);
  } catch (err) {
    if (!isNotADatabase(err)) throw err;
    // The replica was written under another key: it is only a copy, so pull it again.
    for (const suffix of ["", "-wal", "-shm", "-info", "-client_wal_index"]) {
      await Deno.remove(replica + suffix).catch(() => {});
    }
    client = await open(replicaOptions);
  }
  try {
    // Pull the primary's state before the first query, so a new machine never reads stale data.
    // (Only a replica syncs; a remote client, as in tests, reads the primary itself.)
    if (client.protocol === "file") await client.sync();
    if (!options.allowUnmoved) await assertMoved(config, client, options.openLocal);
  } catch (err) {
    client.close();
    throw err;
  }
  return client;
}

/**
 * The installation's keys and its control database where the configuration puts it (the local
 * encrypted file, or this machine's replica on Turso): what the command-line tools start with, so
 * none of them writes to a local file while the app runs on Turso. `say` hears about new keys.
 */
export async function openInstallationControl(
  config: Config,
  say: (message: string) => void = () => {},
): Promise<{ control: Client; keys: KeyRing }> {
  const keys = await loadKeyRing(config, say);
  const control = controlOnTurso(config)
    ? await connectControlDatabase(config, {
      encryptionKey: await keys.controlDatabaseKey(),
      openLocal: () => openControlWith(keys, config.DATA_DIR),
    })
    : await openControlWith(keys, config.DATA_DIR, say);
  return { control, keys };
}

/**
 * Refuses a Turso control database while this machine's local control database holds tenants that
 * were never moved there: the app would otherwise start on an empty registry and lose them all.
 */
async function assertMoved(
  config: Config,
  client: Client,
  openLocal?: () => Promise<Client>,
): Promise<void> {
  if (!await holdsTenants(config, openLocal)) return;
  const table = await client.execute({
    sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
    args: [MOVE_PROGRESS_TABLE],
  });
  if (table.rows.length > 0) {
    const done = await client.execute(
      `SELECT 1 FROM ${MOVE_PROGRESS_TABLE} WHERE table_name = '*' AND finished_at IS NOT NULL`,
    );
    if (done.rows.length > 0) return;
  }
  throw new Error(
    `${localControlPath(config)} holds workspaces that have not been moved to Turso: run ` +
      "`deno task control:move-to-turso` first (docs/operations/turso.md), or remove the local " +
      "file if this installation should start with an empty control database on Turso.",
  );
}

async function holdsTenants(config: Config, openLocal?: () => Promise<Client>): Promise<boolean> {
  const path = localControlPath(config);
  if (!await Deno.stat(path).then(() => true, () => false)) return false;
  const db = openLocal ? await openLocal() : await openDatabase({ url: fileUrl(path) });
  try {
    const table = await db.execute(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tenants'",
    );
    if (table.rows.length === 0) return false;
    return (await db.execute("SELECT 1 FROM tenants LIMIT 1")).rows.length > 0;
  } finally {
    db.close();
  }
}
