import assert from "node:assert/strict";
import { parse } from "yaml";
import { lintWorkflows } from "./actionlint.ts";

const workflows = new URL("../.github/workflows/", import.meta.url);

Deno.test("the project's GitHub workflows pass actionlint", async () => {
  assert.deepEqual(await lintWorkflows(workflows.pathname), []);
});

Deno.test("lintWorkflows() reports a broken workflow", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/broken.yml`,
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n",
    );
    const findings = await lintWorkflows(dir);
    assert.equal(findings.length, 1);
    assert.match(findings[0]!.message, /nope/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deploy builds once, stages on main, promotes the same image on a tag; rollback is manual", async () => {
  const read = async (name: string) =>
    parse(await Deno.readTextFile(new URL(name, workflows))) as {
      on: Record<string, unknown>;
      jobs: Record<string, { if?: string; needs?: string; steps: Array<{ run?: string }> }>;
    };
  const deploy = await read("deploy.yml");
  assert.deepEqual(Object.keys(deploy.jobs), ["image", "staging", "production"]);
  assert.equal(deploy.jobs.staging!.needs, "image");
  assert.equal(deploy.jobs.production!.if, "github.ref_type == 'tag'");
  const runs = (job: string) => deploy.jobs[job]!.steps.map((s) => s.run ?? "").join("\n");
  assert.match(runs("staging"), /--image "\$\{IMAGE\}"/);
  assert.match(runs("production"), /--image "\$\{IMAGE\}"/);
  assert.doesNotMatch(runs("production"), /--build-only|docker build/, "production never builds");
  assert.match(runs("production"), /release_check\.sh "\$\{STAGING_URL\}"[^]*deploy/);
  const rollback = await read("rollback.yml");
  assert.ok("workflow_dispatch" in rollback.on);
  const ci = await read("ci.yml");
  assert.match(ci.jobs.test!.steps.map((s) => s.run ?? "").join("\n"), /bash \.ci\/run/);
});
