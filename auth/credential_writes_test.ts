import assert from "node:assert/strict";
import type { Client } from "../db/client.ts";
import { PrincipalCache } from "./principal_cache.ts";
import { PRINCIPAL } from "../tests/helpers/principal.ts";
import { deleteSession, deleteUserSessions, revokeSession } from "./sessions.ts";
import { revokeApiToken } from "./api_tokens.ts";
import { setSecondFactorRequired } from "./second_factor.ts";

/** A control database that answers every write as one row changed, or none. */
function control(rowsAffected: number): Client {
  return { execute: () => Promise.resolve({ rowsAffected, rows: [] }) } as unknown as Client;
}

Deno.test("writes that end credentials or change the policy clear the principal cache themselves", async () => {
  const writes: Array<
    [string, (deps: { control: Client; authCache: PrincipalCache }) => Promise<unknown>]
  > = [
    ["deleteSession", (d) => deleteSession(d, "token")],
    ["deleteUserSessions", (d) => deleteUserSessions(d, "u1")],
    ["revokeSession", (d) => revokeSession(d, "u1", "s1")],
    ["revokeApiToken", (d) => revokeApiToken(d, "t1", "u1", "k1")],
    ["setSecondFactorRequired", (d) => setSecondFactorRequired(d, "t1", true)],
  ];
  for (const [name, write] of writes) {
    const authCache = new PrincipalCache();
    authCache.set("key", PRINCIPAL);
    await write({ control: control(1), authCache });
    assert.equal(authCache.get("key"), undefined, name);
  }
});

Deno.test("a revocation that finds nothing leaves the principal cache as it was", async () => {
  const authCache = new PrincipalCache();
  authCache.set("key", PRINCIPAL);
  await assert.rejects(revokeApiToken({ control: control(0), authCache }, "t1", "u1", "k1"));
  assert.deepEqual(authCache.get("key"), PRINCIPAL);
});
