/**
 * @module storage
 * Where uploaded files live, behind one small interface: a folder per tenant under
 * `DATA_DIR/files/` by default, or an S3-compatible bucket (Tigris on Fly) when BUCKET_NAME and
 * its credentials are set. Keys are `<tenantId>/<documentId>`: built by the caller from ids, never
 * from a file's name. The running app's storage (`services.storage`, made once by createServices)
 * stores every file encrypted with its tenant's key (storage/encrypted.ts); callers see plain
 * bytes.
 */
import type { Config } from "../config.ts";
import { LocalStorage } from "./local.ts";
import { S3Storage } from "./s3.ts";
import { EncryptedStorage, type FileKeySource } from "./encrypted.ts";

export { assertKey, documentKey, FileMissingError, type FileStorage } from "./file_storage.ts";
import type { FileStorage } from "./file_storage.ts";

/** The settings that choose where files live. */
export type StorageConfig = Pick<
  Config,
  | "DATA_DIR"
  | "BUCKET_NAME"
  | "AWS_ENDPOINT_URL_S3"
  | "AWS_REGION"
  | "AWS_ACCESS_KEY_ID"
  | "AWS_SECRET_ACCESS_KEY"
>;

/**
 * The storage `config` names, encrypting each tenant's files with keys from `keys` when given.
 * createServices makes the running app's one (`services.storage`); a command-line tool without
 * Services makes its own for backups, which are stored as they are (ops/backup_catalog.ts).
 */
export function createStorage(config: StorageConfig, keys?: FileKeySource): FileStorage {
  const storage = config.BUCKET_NAME && config.AWS_ACCESS_KEY_ID && config.AWS_SECRET_ACCESS_KEY
    ? new S3Storage({
      bucket: config.BUCKET_NAME,
      endpoint: config.AWS_ENDPOINT_URL_S3 ?? "https://fly.storage.tigris.dev",
      region: config.AWS_REGION,
      accessKeyId: config.AWS_ACCESS_KEY_ID,
      secretAccessKey: config.AWS_SECRET_ACCESS_KEY,
    })
    : new LocalStorage(`${config.DATA_DIR}/files`);
  return keys ? new EncryptedStorage(storage, keys) : storage;
}
