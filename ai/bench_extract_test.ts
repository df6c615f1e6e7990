/**
 * `deno task bench:extract --provider=openai`: refuses without a key, and never shows the rules'
 * score under OpenAI's name (an answer that fell back counts as nothing found).
 */
import assert from "node:assert/strict";

const script = new URL("./bench_extract.ts", import.meta.url).pathname;

async function bench(args: string[], env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(Deno.env.toObject()).filter(([k]) => !k.startsWith("OPENAI_")),
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    env: { ...clean, ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("bench:extract --provider=openai without OPENAI_API_KEY says so, exits 1 and reads nothing", async () => {
  const run = await bench(["--provider=openai"], {});
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /needs OPENAI_API_KEY/);
  assert.doesNotMatch(run.stdout, /provider openai|provider offline|precision/);
  const unknown = await bench(["--provider=bard"], {});
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown --provider=bard/);
});

Deno.test("bench:extract --provider=openai scores a failing service as nothing found, not as the rules' reading", async () => {
  let requests = 0;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, () => {
    requests++;
    return Response.json({ error: { message: "down for the test" } }, { status: 500 });
  });
  try {
    const run = await bench(["--provider=openai", "--per-layout", "1"], {
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: `http://127.0.0.1:${server.addr.port}/v1`,
      OPENAI_MAX_RETRIES: "0",
    });
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout, /provider offline/, "only OpenAI was asked for");
    const pdfs = Number(/provider openai: (\d+) PDFs/.exec(run.stdout)?.[1]);
    assert.ok(pdfs > 0, run.stdout);
    // The old corpus, then 48 held-out documents and 16 in unseen wordings of the varied corpus.
    const asked = pdfs + 48 + 16;
    assert.equal(requests, asked);
    assert.match(
      run.stdout,
      new RegExp(`fell back to the rules \\(scored as empty\\): ${asked} of ${asked}`),
    );
    assert.match(run.stdout, /documents \(openai\), held-out text PDFs: type right\s+0\.0%/);
    assert.match(
      run.stdout,
      /documents \(openai\), held-out text PDFs: header precision \/ recall\s+- \/ 0\.0%/,
    );
    assert.doesNotMatch(run.stdout, /100\.0%/, "nothing scored as if read");
  } finally {
    await server.shutdown();
  }
});
