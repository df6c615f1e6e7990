/**
 * @module tests/helpers/temp_dir
 * A temporary folder for one test, removed afterwards whatever the test did.
 */

/** Runs `fn` with a new temporary folder and removes the folder afterwards. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
