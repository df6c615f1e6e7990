import assert from "node:assert/strict";
import { currentShape, incompatibilities, type SchemaShape } from "./schema_compat.ts";
import { compareReleases } from "./release_channels.ts";

async function newestSnapshot(): Promise<
  { release: string; control: SchemaShape; tenant: SchemaShape }
> {
  const dir = new URL("./schema_snapshots/", import.meta.url);
  const releases: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".json")) releases.push(e.name.slice(0, -5));
  }
  const release = releases.sort(compareReleases).at(-1)!;
  return { release, ...JSON.parse(await Deno.readTextFile(new URL(`${release}.json`, dir))) };
}

Deno.test("today's migrations keep every table and column the previous release reads (expand, then contract)", async () => {
  const snapshot = await newestSnapshot();
  for (const set of ["control", "tenant"] as const) {
    assert.deepEqual(
      incompatibilities(snapshot[set], await currentShape(set)),
      [],
      `${set} migrations against release ${snapshot.release}`,
    );
  }
});

Deno.test("incompatibilities() names a dropped table or column and a new required column, and allows additions", () => {
  const before: SchemaShape = {
    invoices: { id: { required: false }, total: { required: true }, memo: { required: false } },
    notes: { id: { required: false } },
  };
  assert.deepEqual(
    incompatibilities(before, {
      invoices: {
        id: { required: false },
        total: { required: true },
        memo: { required: false },
        currency: { required: false },
      },
      notes: { id: { required: false } },
      brand_new: { id: { required: false }, anything: { required: true } },
    }),
    [],
  );
  assert.deepEqual(
    incompatibilities(before, {
      invoices: { id: { required: false }, total: { required: true }, status: { required: true } },
    }),
    [
      "column invoices.memo is gone",
      "new column invoices.status is NOT NULL without a default",
      "table notes is gone",
    ],
  );
});
