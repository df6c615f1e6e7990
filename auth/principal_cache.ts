/**
 * @module auth/principal_cache
 * A short-lived in-memory cache of resolved credentials (API token or session -> principal), so an
 * authenticated API call costs no control-database query. Every write that changes who may do what
 * (revoke, logout, role change, removal, password reset) clears it in this process; the TTL bounds
 * how long another app machine may still honour a revoked credential (5 seconds).
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

  /** Caches a principal for a credential key. */
  set(key: string, value: CachedPrincipal, now = Date.now()): void {
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(key, { value, until: now + TTL_MS });
  }

  /** Forgets everything: called after any change to credentials, roles or memberships. */
  clear(): void {
    this.#entries.clear();
  }
}
