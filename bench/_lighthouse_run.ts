/**
 * @module bench/_lighthouse_run
 * One Lighthouse run through `npx` against Debian's Chromium (`CHROME_PATH` to change it), signed
 * in by a session cookie, its JSON report parsed; shared by the performance benchmark
 * (bench/lighthouse.ts, Lighthouse 13) and the PWA audits (scripts/lighthouse_pwa.ts, 11.7.1, the
 * last release with them). Throws with Lighthouse's own reason when the run fails.
 */

// deno-lint-ignore no-explicit-any
export type LighthouseReport = any;

export async function runLighthouse(opts: {
  version: string;
  url: string;
  cookie: string;
  /** Extra command-line options (the categories, the form factor). */
  args: string[];
  /** Where to keep the full JSON report, if anywhere. */
  report?: string;
}): Promise<LighthouseReport> {
  const chromePath = Deno.env.get("CHROME_PATH") ?? "/usr/bin/chromium";
  const out = await new Deno.Command("npx", {
    args: [
      "--yes",
      `lighthouse@${opts.version}`,
      opts.url,
      ...opts.args,
      "--output=json",
      "--output-path=stdout",
      "--quiet",
      "--no-enable-error-reporting",
      "--chrome-flags=--headless --no-sandbox --disable-gpu",
      `--extra-headers=${JSON.stringify({ Cookie: opts.cookie })}`,
    ],
    env: { CHROME_PATH: chromePath },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success || !text.trim().startsWith("{")) {
    const stderr = new TextDecoder().decode(out.stderr).split("\n");
    const reason = stderr.find((l) => /error/i.test(l) && !/EBADENGINE/.test(l)) ?? stderr.at(-2);
    throw new Error(`lighthouse failed for ${opts.url}: ${reason}`);
  }
  if (opts.report) await Deno.writeTextFile(opts.report, text);
  const lhr = JSON.parse(text);
  if (lhr.runtimeError) throw new Error(`lighthouse: ${lhr.runtimeError.message}`);
  return lhr;
}
