/**
 * A stored document whose encryption header was stripped, or one byte flipped, is refused over
 * HTTP (500, never served as bytes); which workspaces may still hold plain files from before
 * encryption is decided by control migration 0018.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { uploadFile } from "../tests/helpers/documents.ts";
import { openDatabase } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";

const MARK = "Brisket-Flat-Lot-7731";

Deno.test("a document whose stored file lost its header or had a byte flipped is refused, not served", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const csv = new TextEncoder().encode(`item,lbs\n${MARK},40000\n`);
    const up = await uploadFile(server, api, "load.csv", csv);
    assert.ok(up.status === 201 || up.status === 202, JSON.stringify(up.body));
    const id = up.body.id as string;
    const path = `${server.services.config.DATA_DIR}/files/${t.tenantId}/${id}`;
    const fetchFile = () =>
      server.fetch(t.host, `/api/v1/documents/${id}/file`, {
        headers: { authorization: `Bearer ${api.token}` },
      });
    const good = await fetchFile();
    assert.equal(good.status, 200);
    assert.ok((await good.text()).includes(MARK));
    assert.equal(await server.services.tenantKeys.allowsPlainFiles(t.tenantId), false);

    const stored = await Deno.readFile(path);
    for (
      const [label, bytes] of [
        ["header stripped", stored.slice(9)],
        [
          "byte flipped",
          (() => {
            const b = stored.slice();
            b[b.length - 1]! ^= 1;
            return b;
          })(),
        ],
        ["replaced by plain bytes", csv],
      ] as const
    ) {
      await Deno.writeFile(path, bytes);
      const res = await fetchFile();
      const body = await res.text();
      assert.equal(res.status, 500, label);
      assert.ok(!body.includes(MARK), `${label}: nothing of the file is served`);
    }
  } finally {
    await server.close();
  }
});

Deno.test("control migration 0018 lists only workspaces whose first key came after them", async () => {
  const dir = await Deno.makeTempDir();
  const control = await openDatabase({ url: `file:${dir}/c.db` });
  try {
    await migrate(control, "control");
    await control.execute("DELETE FROM plain_file_allowances");
    const tenant = (id: string, createdAt: string) =>
      control.execute({
        sql: "INSERT INTO tenants (id, slug, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        args: [id, id, id, createdAt, createdAt],
      });
    const key = (id: string, createdAt: string) =>
      control.execute({
        sql: `INSERT INTO tenant_keys (tenant_id, version, wrapped_key, master_key_id, created_at)
              VALUES (?, 1, 'v1:x:y', 'x', ?)`,
        args: [id, createdAt],
      });
    // Signed up with encryption: the key is made just before the tenant row.
    await key("born-encrypted", "2026-03-01T10:00:00.000Z");
    await tenant("born-encrypted", "2026-03-01T10:00:01.000Z");
    // From before encryption: its key was made when it was first opened after the upgrade.
    await tenant("from-before", "2025-01-01T10:00:00.000Z");
    await key("from-before", "2026-02-01T09:00:00.000Z");
    // From before encryption and never opened since: no key at all.
    await tenant("never-opened", "2025-01-02T10:00:00.000Z");
    const sql = await Deno.readTextFile(
      new URL("../db/migrations/control/0018_plain_file_allowances.sql", import.meta.url),
    );
    await control.execute(sql.slice(sql.indexOf("INSERT INTO plain_file_allowances")));
    const rs = await control.execute("SELECT tenant_id FROM plain_file_allowances ORDER BY 1");
    assert.deepEqual(rs.rows.map((r) => r.tenant_id), ["from-before", "never-opened"]);
  } finally {
    control.close();
    await Deno.remove(dir, { recursive: true });
  }
});
