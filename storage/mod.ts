/**
 * @module storage
 * Where uploaded files live, behind one small interface: a folder per tenant under
 * `DATA_DIR/files/` by default, or an S3-compatible bucket (Tigris on Fly) when BUCKET_NAME and
 * its credentials are set. Keys are `<tenantId>/<documentId>`: built by the caller from ids, never
 * from a file's name. Once services.ts has called `encryptFilesWith`, every file is stored
 * encrypted with its tenant's key (storage/encrypted.ts); callers see plain bytes.
 */
import type { Config } from "../config.ts";
import { LocalStorage } from "./local.ts";
import { S3Storage } from "./s3.ts";
import { EncryptedStorage, type FileKeySource } from "./encrypted.ts";

export { assertKey, documentKey, FileMissingError, type FileStorage } from "./file_storage.ts";
import type { FileStorage } from "./file_storage.ts";

const cache = new WeakMap<Config, FileStorage>();
const fileKeys = new WeakMap<Config, FileKeySource>();

/** Makes `storageFor(config)` encrypt each tenant's files with keys from `keys` (services.ts). */
export function encryptFilesWith(config: object, keys: FileKeySource): void {
  fileKeys.set(config as Config, keys);
  cache.delete(config as Config);
}

/** The storage configured for this process (one per config object). */
export function storageFor(
  config: Pick<
    Config,
    | "DATA_DIR"
    | "BUCKET_NAME"
    | "AWS_ENDPOINT_URL_S3"
    | "AWS_REGION"
    | "AWS_ACCESS_KEY_ID"
    | "AWS_SECRET_ACCESS_KEY"
  >,
): FileStorage {
  let storage = cache.get(config as Config);
  if (!storage) {
    storage = config.BUCKET_NAME && config.AWS_ACCESS_KEY_ID && config.AWS_SECRET_ACCESS_KEY
      ? new S3Storage({
        bucket: config.BUCKET_NAME,
        endpoint: config.AWS_ENDPOINT_URL_S3 ?? "https://fly.storage.tigris.dev",
        region: config.AWS_REGION,
        accessKeyId: config.AWS_ACCESS_KEY_ID,
        secretAccessKey: config.AWS_SECRET_ACCESS_KEY,
      })
      : new LocalStorage(`${config.DATA_DIR}/files`);
    const keys = fileKeys.get(config as Config);
    if (keys) storage = new EncryptedStorage(storage, keys);
    cache.set(config as Config, storage);
  }
  return storage;
}
