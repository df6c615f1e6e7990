/**
 * @module crypto/keyring
 * The installation's root key, bootstrapped before anything else opens: a random key wrapped by
 * the master key in `DATA_DIR/control.key`. The control database is encrypted with a key derived
 * from it, and `deriveKey(purpose)` gives other features a key of their own. A master-key rotation
 * re-wraps the root (it never changes), so everything derived from it stays readable. The root
 * belongs to one data folder: on several machines each has its own, so a derived key suits what
 * stays on the machine (its control file or replica), not a secret machines must share.
 */
import { join } from "node:path";
import type { Client } from "../db/client.ts";
import { isEncryptedDatabase, openEncryptedDatabase } from "../db/encrypted.ts";
import { deriveKey, type KeyProvider, loadKeyProvider, randomKey, toHex } from "./keys.ts";

const ROOT_CONTEXT = "projectmeats root key";

/** Where the wrapped root key lives. */
export function rootKeyPath(dataDir: string): string {
  return join(dataDir, "control.key");
}

export class KeyRing {
  private constructor(
    readonly provider: KeyProvider,
    readonly dataDir: string,
    readonly rootKey: Uint8Array,
  ) {}

  /**
   * Unwraps the root key from `DATA_DIR/control.key`, or creates it there (0600) on a new
   * installation. Refuses to invent a new root when an encrypted control database already exists.
   */
  static async open(provider: KeyProvider, dataDir: string): Promise<KeyRing> {
    const path = rootKeyPath(dataDir);
    let wrapped: string | null = null;
    try {
      wrapped = (await Deno.readTextFile(path)).trim();
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    if (wrapped) {
      return new KeyRing(provider, dataDir, await provider.unwrap(wrapped, ROOT_CONTEXT));
    }
    if (await isEncryptedDatabase(join(dataDir, "control.db"))) {
      throw new Error(
        `${path} is missing but ${join(dataDir, "control.db")} is encrypted: restore control.key ` +
          "from the backup of this installation (without it the data cannot be read).",
      );
    }
    await Deno.mkdir(dataDir, { recursive: true });
    const root = randomKey();
    const text = await provider.wrap(root, ROOT_CONTEXT) + "\n";
    try {
      await Deno.writeTextFile(path, text, { createNew: true, mode: 0o600 });
    } catch (err) {
      if (err instanceof Deno.errors.AlreadyExists) return await KeyRing.open(provider, dataDir);
      throw err;
    }
    return new KeyRing(provider, dataDir, root);
  }

  /** A key for one purpose (e.g. "totp-secrets"), stable for the life of the installation. */
  deriveKey(purpose: string): Promise<Uint8Array> {
    return deriveKey(this.rootKey, `purpose:${purpose}`);
  }

  /** The control database's libSQL encryption key. */
  async controlDatabaseKey(): Promise<string> {
    return toHex(await deriveKey(this.rootKey, "control-database"));
  }

  /** Re-wraps the root key under the provider's current master key (master-key rotation). */
  async rewrapRoot(): Promise<void> {
    const path = rootKeyPath(this.dataDir);
    const tmp = `${path}.${crypto.randomUUID()}.tmp`;
    await Deno.writeTextFile(tmp, await this.provider.wrap(this.rootKey, ROOT_CONTEXT) + "\n", {
      mode: 0o600,
    });
    await Deno.rename(tmp, path);
  }

  /** The master key id `control.key` is wrapped with now. */
  async rootWrappedBy(): Promise<string> {
    return (await Deno.readTextFile(rootKeyPath(this.dataDir))).split(":")[1] ?? "";
  }
}

/** The control database's path in a data folder. */
export function controlDatabasePath(dataDir: string): string {
  return join(dataDir, "control.db");
}

type ControlSettings = Parameters<typeof loadKeyProvider>[0];

/**
 * The installation's keys: the master key from the environment (or, outside production, the one
 * generated in DATA_DIR) and the root key it unwraps. `say` hears about a generated master key.
 */
export async function loadKeyRing(
  config: ControlSettings,
  say: (message: string) => void = () => {},
): Promise<KeyRing> {
  const provider = await loadKeyProvider(config, (path) =>
    say(
      `No ENCRYPTION_MASTER_KEY set: generated a master key into ${path} (mode 0600). Fine for ` +
        "development; production requires ENCRYPTION_MASTER_KEY. Losing it loses the data.",
    ));
  return await KeyRing.open(provider, config.DATA_DIR);
}

/**
 * Opens the encrypted control database of `dataDir` with the key ring's key; a plain one from
 * before encryption is encrypted first, and `say` is told.
 */
export async function openControlWith(
  keys: KeyRing,
  dataDir: string,
  say: (message: string) => void = () => {},
): Promise<Client> {
  return await openEncryptedDatabase(
    controlDatabasePath(dataDir),
    await keys.controlDatabaseKey(),
    (path) => say(`Encrypted ${path}, a database from before encryption at rest.`),
  );
}

/** Keys and control database together: what every command-line tool starts with. */
export async function openControlDatabase(
  config: ControlSettings,
  say: (message: string) => void = () => {},
): Promise<{ control: Client; keys: KeyRing }> {
  const keys = await loadKeyRing(config, say);
  return { control: await openControlWith(keys, config.DATA_DIR, say), keys };
}
