/**
 * @module auth/principal_cache
 * A short-lived in-memory cache of resolved credentials (API token or session -> principal), so an
 * authenticated API call costs no control-database query. Every write that changes who may do what
 * (revoke, logout, role change, removal, password reset) clears it in this process, and with
 * `REDIS_URL` on every other machine at once (db/redis_notices.ts, a few milliseconds). The TTL
 * bounds how long another machine may still honour a revoked credential when that notice cannot
 * arrive (Redis unreachable, or not configured): 5 seconds.
 */
import type { Client } from "../db/client.ts";
import type { Role } from "./roles.ts";

/**
 * What a write that changes credentials or roles is handed: the control database and this
 * process's cache, which the write clears itself so that no caller can forget to (Services has
 * both).
 */
export interface CredentialWriteDeps {
  control: Client;
  authCache: PrincipalCache;
}

export interface CachedPrincipal {
  userId: string;
  email: string;
  name: string;
  emailVerified: boolean;
  /** The account has a second factor. */
  secondFactor: boolean;
  /** The workspace requires a second factor and the account has none: enrol first. */
  mustEnrolSecondFactor: boolean;
  role: Role | null;
  csrfToken: string;
  /** For an API token: its scopes (null: full access), allow-list and name. */
  token?: { scopes: readonly string[] | null; allowedIps: readonly string[]; name: string };
}

const TTL_MS = 5_000;
const MAX_ENTRIES = 50_000;

export class PrincipalCache {
  #entries = new Map<string, { value: CachedPrincipal; until: number }>();
  /** Changes on every clear: a principal resolved before a clear is not cached after it. */
  #clears = 0;
  #onClear: Array<() => void> = [];

  /**
   * Taken before a credential is looked up, handed to `set`: if the cache is cleared while the
   * lookup runs (the credential revoked meanwhile, here or on another machine), what the lookup
   * found is not kept, since it may be from before the change.
   */
  mark(): number {
    return this.#clears;
  }

  /** The cached principal for a credential key, or undefined when absent or stale. */
  get(key: string, now = Date.now()): CachedPrincipal | undefined {
    const hit = this.#entries.get(key);
    if (!hit) return undefined;
    if (hit.until <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  /** Caches a principal for a credential key, unless the cache was cleared since `mark`. */
  set(key: string, value: CachedPrincipal, mark = this.#clears, now = Date.now()): void {
    if (mark !== this.#clears) return;
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(key, { value, until: now + TTL_MS });
  }

  /**
   * Forgets everything: called after any change to credentials, roles or memberships made by this
   * process, which the listeners (db/redis_notices.ts) tell the other machines.
   */
  clear(): void {
    this.clearLocal();
    for (const listener of this.#onClear) listener();
  }

  /**
   * Forgets everything in this process only: on another machine's word that credentials changed,
   * or after a sign-in here, which changes no credential that another machine may have cached.
   */
  clearLocal(): void {
    this.#entries.clear();
    this.#clears++;
  }

  /** Runs `listener` after every `clear` made by this process. */
  onClear(listener: () => void): void {
    this.#onClear.push(listener);
  }
}
