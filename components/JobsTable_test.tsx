/**
 * The jobs table names a job's payload in the reader's language: a field the catalogue knows
 * ("documento 01…") through its message, any other as its code name; ids kept as written.
 */
import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { LanguageContext } from "./Words.tsx";
import { translator } from "../i18n/mod.ts";
import { JobsTable, type JobView } from "./JobsTable.tsx";
import { jobSummary } from "../workers/job_admin.ts";
import type { Language } from "../i18n/format.ts";

const JOB: JobView = {
  id: "job-1",
  kind: "document.read",
  tenant: null,
  state: "done",
  attempts: 1,
  maxAttempts: 5,
  runAt: "2026-10-20T10:00:00.000Z",
  updatedAt: "2026-10-20T10:00:01.000Z",
  lastError: null,
  summary: jobSummary({
    payload: { document_id: "01m96wrc5a", plugin_name: "guard", secret: "s3cret" },
  }),
};

function table(language: Language): string {
  return renderToString(
    <LanguageContext.Provider value={{ language, t: translator(language) }}>
      <JobsTable jobs={[JOB]} showTenant={false} retryBase="/x" csrf="c" caption="Jobs" />
    </LanguageContext.Provider>,
  );
}

Deno.test("a job's payload summary reads in the reader's language, unknown fields as code", () => {
  const es = table("es");
  assert.match(es, /documento 01m96wrc5a/);
  assert.doesNotMatch(es, /document 01m96wrc5a/);
  assert.match(es, /<code>plugin_name<\/code> guard/);
  assert.doesNotMatch(es, /s3cret/, "only ids and names are shown");
  const en = table("en");
  assert.match(en, /document 01m96wrc5a, <code>plugin_name<\/code> guard/);
});
