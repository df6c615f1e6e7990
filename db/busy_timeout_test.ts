import assert from "node:assert/strict";
import { fileUrl, openDatabase } from "./client.ts";

/** Another process that holds a write transaction on `path` for `ms`, then commits. */
function holdWriteLock(path: string, ms: number) {
  const script = `
    import { createClient } from "@libsql/client";
    const db = createClient({ url: ${JSON.stringify(fileUrl(path))} });
    const tx = await db.transaction("write");
    await tx.execute("INSERT INTO t VALUES (1)");
    console.log("locked");
    await new Promise((r) => setTimeout(r, ${ms}));
    await tx.commit();
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  return {
    async locked() {
      let seen = "";
      while (!seen.includes("locked")) {
        const { value, done } = await reader.read();
        if (done) throw new Error("the lock holder exited early");
        seen += value;
      }
    },
    async done() {
      reader.releaseLock();
      await child.stdout.cancel().catch(() => {});
      return await child.status;
    },
  };
}

Deno.test("a write waits for another process's write transaction instead of failing with SQLITE_BUSY", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/shared.db`;
  const db = await openDatabase({ url: fileUrl(path) });
  try {
    await db.execute("CREATE TABLE t (x INTEGER)");
    const holder = holdWriteLock(path, 400);
    await holder.locked();
    await db.execute("INSERT INTO t VALUES (2)"); // waits for the other process's commit
    assert.equal((await holder.done()).code, 0);
    const rows = (await db.execute("SELECT x FROM t ORDER BY x")).rows.map((r) => r.x);
    assert.deepEqual(rows, [1, 2]);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});
