/**
 * @module db/data_dir_lock
 * The app's lock on its data folder: every web and worker process serving from `DATA_DIR` holds a
 * shared lock on `DATA_DIR/app.lock` for its whole life, and `deno task restore` needs it
 * exclusively. So a restore never replaces a database under a running process, and a process
 * does not start while a restore runs. It is an OS file lock (flock): it goes away with the
 * process, even after kill -9, so no stale lock file ever needs removing by hand.
 */
import { join } from "node:path";

/** The lock file's path in a data folder. */
export function dataDirLockPath(dataDir: string): string {
  return join(dataDir, "app.lock");
}

/** The data folder is locked the other way (a restore runs, or the app serves from it). */
export class DataDirBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataDirBusyError";
  }
}

async function lockFile(dataDir: string): Promise<Deno.FsFile> {
  await Deno.mkdir(dataDir, { recursive: true });
  return await Deno.open(dataDirLockPath(dataDir), { read: true, write: true, create: true });
}

/**
 * Takes the app's shared lock on `dataDir` (many processes may share it); refuses while a restore
 * holds it. Keep the returned file open for the life of the process.
 */
export async function holdAppLock(dataDir: string): Promise<Deno.FsFile> {
  const file = await lockFile(dataDir);
  if (!(await file.tryLock(false))) {
    file.close();
    throw new DataDirBusyError(
      `A restore is running on ${dataDir} (it holds ${dataDirLockPath(dataDir)}): start the ` +
        "app again once it has finished.",
    );
  }
  return file;
}

/**
 * Takes the exclusive lock a restore needs; refuses while any process serves from `dataDir`.
 * Closing the returned file releases it.
 */
export async function holdRestoreLock(dataDir: string): Promise<Deno.FsFile> {
  const file = await lockFile(dataDir);
  if (!(await file.tryLock(true))) {
    file.close();
    throw new DataDirBusyError(
      `The app or a worker is running on ${dataDir} (it holds ${dataDirLockPath(dataDir)}): ` +
        "stop every process that serves from this data folder, then run the restore again.",
    );
  }
  return file;
}
