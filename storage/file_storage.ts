/**
 * @module storage/file_storage
 * The interface every file storage implements, and the key rules they share. Kept apart from
 * mod.ts (which picks an implementation) so the implementations do not import their chooser.
 */
export interface FileStorage {
  readonly kind: "local" | "s3";
  /** Stores (or replaces) the bytes under `key`. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The bytes under `key`; throws `FileMissingError` when there are none. */
  get(key: string): Promise<Uint8Array>;
  /** Removes `key`; no error when it is already gone. */
  delete(key: string): Promise<void>;
}

/** A key that is absent from the storage. */
export class FileMissingError extends Error {
  constructor(key: string) {
    super(`No stored file ${key}.`);
  }
}

const KEY = /^[0-9a-z]{1,64}(\/[0-9a-z]{1,64}){1,2}$/;

/** Refuses keys that could escape the tenant's folder (only ids joined by "/"). */
export function assertKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`Bad storage key ${JSON.stringify(key)}.`);
}

/** The storage key of a tenant's document. */
export function documentKey(tenantId: string, documentId: string): string {
  if (!/^[0-9a-z]{1,64}$/.test(tenantId) || !/^[0-9a-z]{1,64}$/.test(documentId)) {
    throw new Error("Storage keys are made of ids only.");
  }
  return `${tenantId}/${documentId}`;
}
