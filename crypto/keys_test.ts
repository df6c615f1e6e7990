import assert from "node:assert/strict";
import {
  EnvKeyProvider,
  generatedMasterKeyPath,
  KeyUnavailableError,
  loadKeyProvider,
  randomKey,
  toBase64,
} from "./keys.ts";
import { KeyRing, rootKeyPath } from "./keyring.ts";

const settings = (dataDir: string, env: Record<string, string> = {}) => ({
  DATA_DIR: dataDir,
  APP_ENV: "development" as const,
  ENCRYPTION_MASTER_KEY: undefined,
  ENCRYPTION_MASTER_KEY_NEXT: undefined,
  ...env,
});

Deno.test("loadKeyProvider() refuses to start in production without ENCRYPTION_MASTER_KEY", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      () => loadKeyProvider({ ...settings(dir), APP_ENV: "production" }),
      /ENCRYPTION_MASTER_KEY is required with APP_ENV=production/,
    );
    assert.equal(
      await Deno.stat(generatedMasterKeyPath(dir)).then(() => true, () => false),
      false,
      "production never generates a key of its own",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadKeyProvider() generates one 0600 master key outside production, says so once, and reuses it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const told: string[] = [];
    const first = await loadKeyProvider(settings(dir), (p) => told.push(p));
    const second = await loadKeyProvider(settings(dir), (p) => told.push(p));
    assert.deepEqual(told, [generatedMasterKeyPath(dir)]);
    assert.equal(first.currentKeyId, second.currentKeyId);
    assert.equal((await Deno.stat(generatedMasterKeyPath(dir))).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadKeyProvider() names a malformed ENCRYPTION_MASTER_KEY", async () => {
  await assert.rejects(
    () => loadKeyProvider(settings("/nonexistent", { ENCRYPTION_MASTER_KEY: "c2hvcnQ=" })),
    /ENCRYPTION_MASTER_KEY must be the base64 of 32 random bytes/,
  );
});

Deno.test("a wrapped key unwraps only under its master key and for its own context", async () => {
  const a = await EnvKeyProvider.create(randomKey());
  const b = await EnvKeyProvider.create(randomKey());
  const dataKey = randomKey();
  const wrapped = await a.wrap(dataKey, "tenant x");
  assert.ok(!wrapped.includes(toBase64(dataKey)), "the key is not stored in clear");
  assert.deepEqual(await a.unwrap(wrapped, "tenant x"), dataKey);
  await assert.rejects(() => b.unwrap(wrapped, "tenant x"), KeyUnavailableError);
  await assert.rejects(() => a.unwrap(wrapped, "tenant y"), /altered or belongs elsewhere/);
});

Deno.test("during a master-key rotation the next key wraps and both unwrap", async () => {
  const oldKey = randomKey();
  const newKey = randomKey();
  const before = await EnvKeyProvider.create(oldKey);
  const during = await loadKeyProvider(settings("/nonexistent", {
    ENCRYPTION_MASTER_KEY: toBase64(oldKey),
    ENCRYPTION_MASTER_KEY_NEXT: toBase64(newKey),
  }));
  const after = await EnvKeyProvider.create(newKey);
  const old = await before.wrap(new Uint8Array(32).fill(1), "c");
  assert.deepEqual(await during.unwrap(old, "c"), new Uint8Array(32).fill(1));
  const fresh = await during.wrap(new Uint8Array(32).fill(2), "c");
  assert.deepEqual(await after.unwrap(fresh, "c"), new Uint8Array(32).fill(2));
  assert.notEqual(during.currentKeyId, before.currentKeyId);
});

Deno.test("KeyRing keeps its root across a master-key rotation, so derived keys stay the same", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const oldKey = randomKey();
    const newKey = randomKey();
    const ring = await KeyRing.open(await EnvKeyProvider.create(oldKey), dir);
    const purpose = await ring.deriveKey("totp-secrets");
    assert.notDeepEqual(purpose, await ring.deriveKey("other"));
    const rotating = await KeyRing.open(await EnvKeyProvider.create(newKey, [oldKey]), dir);
    await rotating.rewrapRoot();
    const after = await KeyRing.open(await EnvKeyProvider.create(newKey), dir);
    assert.deepEqual(await after.deriveKey("totp-secrets"), purpose);
    assert.equal((await Deno.stat(rootKeyPath(dir))).mode! & 0o777, 0o600);
    const oldOnly = await EnvKeyProvider.create(oldKey);
    await assert.rejects(
      () => KeyRing.open(oldOnly, dir),
      KeyUnavailableError,
      "the old master key alone no longer opens the root",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
