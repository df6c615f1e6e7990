/**
 * @module tenants/turso_platform
 * A small typed client for the Turso Platform API calls that provisioning needs: create, look up
 * and delete a database in a group, and mint a database auth token. Responses are validated with
 * zod; every call has a timeout, and failures become a TursoApiError with the status and Turso's
 * message.
 */
import { z } from "zod";

export class TursoApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "TursoApiError";
  }
}

export interface TursoPlatformOptions {
  apiUrl: string;
  org: string;
  apiToken: string;
  timeoutMs?: number;
}

const CreatedDatabase = z.object({
  database: z.object({ DbId: z.string(), Hostname: z.string(), Name: z.string() }),
});
const Token = z.object({ jwt: z.string().min(1) });
const ErrorBody = z.object({ error: z.string() });

export type TursoDatabase = { id: string; hostname: string; name: string };

export class TursoPlatform {
  constructor(readonly options: TursoPlatformOptions) {}

  async #call(method: string, path: string, body?: unknown): Promise<unknown> {
    const { apiUrl, org, apiToken, timeoutMs = 10_000 } = this.options;
    const url = `${apiUrl.replace(/\/$/, "")}/v1/organizations/${encodeURIComponent(org)}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${apiToken}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new TursoApiError(0, `Turso Platform API unreachable: ${(err as Error).message}`);
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch { /* not JSON: reported below */ }
    if (!res.ok) {
      const parsed = ErrorBody.safeParse(json);
      throw new TursoApiError(
        res.status,
        `Turso Platform API ${method} ${path} failed (${res.status}): ${
          parsed.success ? parsed.data.error : text.slice(0, 200)
        }`,
      );
    }
    return json;
  }

  /** Creates a database in a group; returns its id and hostname. */
  async createDatabase(name: string, group: string): Promise<TursoDatabase> {
    const json = await this.#call("POST", "/databases", { name, group });
    const parsed = CreatedDatabase.safeParse(json);
    if (!parsed.success) throw new TursoApiError(502, "Turso answered an unexpected body.");
    const d = parsed.data.database;
    return { id: d.DbId, hostname: d.Hostname, name: d.Name };
  }

  /** A database's id and hostname by its name; null when the organization has none of that name. */
  async getDatabase(name: string): Promise<TursoDatabase | null> {
    let json: unknown;
    try {
      json = await this.#call("GET", `/databases/${encodeURIComponent(name)}`);
    } catch (err) {
      if (err instanceof TursoApiError && err.status === 404) return null;
      throw err;
    }
    const parsed = CreatedDatabase.safeParse(json);
    if (!parsed.success) throw new TursoApiError(502, "Turso answered an unexpected body.");
    const d = parsed.data.database;
    return { id: d.DbId, hostname: d.Hostname, name: d.Name };
  }

  /** The database of that name, created in `group` when the organization has none yet. */
  async ensureDatabase(name: string, group: string): Promise<TursoDatabase> {
    const found = await this.getDatabase(name);
    if (found) return found;
    try {
      return await this.createDatabase(name, group);
    } catch (err) {
      // Two callers at once (two machines starting): the other one created it first.
      if (!(err instanceof TursoApiError && err.status === 409)) throw err;
      const created = await this.getDatabase(name);
      if (!created) throw err;
      return created;
    }
  }

  /** Deletes a database (idempotent: a database that is already gone is fine). */
  async deleteDatabase(name: string): Promise<void> {
    try {
      await this.#call("DELETE", `/databases/${encodeURIComponent(name)}`);
    } catch (err) {
      if (err instanceof TursoApiError && err.status === 404) return;
      throw err;
    }
  }

  /** Mints a full-access auth token for one database. */
  async createDatabaseToken(name: string): Promise<string> {
    const json = await this.#call(
      "POST",
      `/databases/${encodeURIComponent(name)}/auth/tokens?authorization=full-access`,
    );
    const parsed = Token.safeParse(json);
    if (!parsed.success) throw new TursoApiError(502, "Turso answered an unexpected token body.");
    return parsed.data.jwt;
  }
}
