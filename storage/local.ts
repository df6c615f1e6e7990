/**
 * @module storage/local
 * Files in a folder, one sub-folder per tenant. Writes go to a temporary name first and are
 * renamed into place, so a reader never sees half a file.
 */
import { dirname, join } from "node:path";
import { assertKey, FileMissingError, type FileStorage } from "./file_storage.ts";

export class LocalStorage implements FileStorage {
  readonly kind = "local" as const;
  constructor(readonly root: string) {}

  #path(key: string): string {
    assertKey(key);
    return join(this.root, ...key.split("/"));
  }

  async put(key: string, bytes: Uint8Array, _contentType?: string): Promise<void> {
    const path = this.#path(key);
    await Deno.mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${crypto.randomUUID()}.tmp`;
    await Deno.writeFile(tmp, bytes);
    await Deno.rename(tmp, path);
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return await Deno.readFile(this.#path(key));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) throw new FileMissingError(key);
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await Deno.remove(this.#path(key)).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
  }
}
