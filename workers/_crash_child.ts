/**
 * A worker that dies mid-job, for workers/crash_test.ts: it claims the next job with a short lease,
 * writes a marker so the test knows the job is running, and then hangs until it is killed.
 */
import { openDatabase } from "../db/client.ts";
import { claimNextJob } from "./queue.ts";

const [controlPath, marker] = Deno.args;
const control = await openDatabase({
  url: `file:${controlPath}`,
  encryptionKey: Deno.env.get("CONTROL_DB_KEY"),
});
const job = await claimNextJob(control, { owner: "doomed", leaseMs: 700 });
await Deno.writeTextFile(marker!, job ? job.id : "none");
// A pending promise alone would let Deno exit (empty event loop); a timer keeps the process
// alive mid-job until the test kills it.
setInterval(() => {}, 60_000);
