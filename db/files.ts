/**
 * @module db/files
 * The few file operations that making, copying and swapping database files share.
 */

/** Whether anything is at `path` (a missing parent counts as absent too). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** Removes the file at `path` if there is one. */
export async function removeIfPresent(path: string): Promise<void> {
  await Deno.remove(path).catch((err) => {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  });
}

/** Flushes a file's data to disk, so that what names it next never names a half-written file. */
export async function syncFile(path: string): Promise<void> {
  const file = await Deno.open(path, { read: true, write: true });
  try {
    await file.syncData();
  } finally {
    file.close();
  }
}
