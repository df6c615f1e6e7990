/**
 * Records and their history are stamped by the app's clock (Services.clock), not the machine's:
 * with the clock moved to a day far from the real one, what is written "now" carries that day,
 * and the history of that day is inside the plan's retention window.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { FixedClock } from "../clock.ts";

// A leap day years away from whenever the suite runs: a stamp from the machine's clock never
// falls on it.
const NOW = "2024-02-29T15:00:00.000Z";
const LATER = "2024-02-29T16:30:00.000Z";

Deno.test("a record's created_at, updated_at, archived_at and history come from the app's clock", async () => {
  const clock = new FixedClock(NOW);
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "100000",
    RATE_LIMIT_PER_TENANT: "100000",
  }, { clock });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);

    const created = await api.ok("POST", "/api/v1/suppliers", { name: "Leap Day Packers" }, 201);
    assert.equal(created.created_at, NOW);
    assert.equal(created.updated_at, NOW);

    clock.set(LATER);
    const updated = await api.ok("PATCH", `/api/v1/suppliers/${created.id}`, {
      version: created.version,
      city: "Omaha",
    });
    assert.equal(updated.created_at, NOW);
    assert.equal(updated.updated_at, LATER);

    const archived = await api.ok("POST", `/api/v1/suppliers/${created.id}/archive`);
    assert.equal(archived.archived_at, LATER);
    assert.equal(archived.updated_at, LATER);

    const history = await api.ok("GET", `/api/v1/suppliers/${created.id}/history`);
    assert.deepEqual(
      history.data.map((e: { action: string; at: string }) => [e.action, e.at]),
      [["archive", LATER], ["update", LATER], ["create", NOW]],
    );
    assert.equal(history.older_hidden, 0);
  } finally {
    await server.close();
  }
});
