/**
 * @module plugins/harness/harness
 * The local harness behind `deno task plugin:test <dir>`: reads a plugin folder (manifest.json,
 * plugin.js, views), checks the manifest and the API version as an install would, then runs the
 * cases of its `tests.json` in the same sandbox the app uses, against records held in memory.
 * The in-memory host checks the manifest's permissions like the real one, so a case that reads a
 * record type the manifest does not name fails here first.
 */
import { z } from "zod";
import { incompatibility, permits, settingsSchema } from "../api/manifest.ts";
import { bundleFrom, type PluginBundle } from "../host/bundle.ts";
import { type HostFunction, PluginError, Sandbox } from "../host/sandbox.ts";

const caseSchema = z.object({
  name: z.string(),
  handler: z.string(),
  input: z.unknown().default({}),
  settings: z.record(z.string(), z.unknown()).default({}),
  today: z.string().default("2026-01-15"),
  /** Records the host answers, by record type. */
  records: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))).default({}),
  expect: z.unknown().optional(),
  /** A regular expression the error message must match. */
  expectError: z.string().optional(),
}).strict();
export type HarnessCase = z.infer<typeof caseSchema>;

export interface CaseOutcome {
  name: string;
  passed: boolean;
  detail: string;
}

/** Reads a plugin folder as the app would receive it. */
export async function readPluginDir(dir: string): Promise<PluginBundle> {
  const files: Record<string, string> = {};
  for await (const f of Deno.readDir(dir)) {
    if (f.isFile && f.name.endsWith(".html")) {
      files[f.name] = await Deno.readTextFile(`${dir}/${f.name}`);
    }
  }
  return bundleFrom(
    "private",
    await Deno.readTextFile(`${dir}/manifest.json`),
    await Deno.readTextFile(`${dir}/plugin.js`),
    files,
  );
}

/** The host of a case: records from the case, the manifest's permissions enforced. */
function memoryHost(bundle: PluginBundle, c: HarnessCase, log: string[]) {
  const readable = (collection: unknown) => {
    const name = String(collection);
    if (!permits(bundle.manifest.permissions, "read", name)) {
      throw new Error(`This plugin may not read ${name}: its manifest lacks read:${name}.`);
    }
    return c.records[name] ?? [];
  };
  const host: Record<string, HostFunction> = {
    "records.get": ([collection, id]) => {
      const found = readable(collection).find((r) => r.id === id);
      if (!found) return Promise.reject(new Error(`No such record in ${collection}.`));
      return Promise.resolve(found);
    },
    "records.list": ([collection]) =>
      Promise.resolve({ data: readable(collection), next_cursor: null }),
    "records.create": ([collection]) =>
      Promise.reject(new Error(`The harness does not write ${collection}.`)),
    "records.update": ([collection]) =>
      Promise.reject(new Error(`The harness does not write ${collection}.`)),
    fetch: ([url]) => Promise.reject(new Error(`The harness does not fetch ${url}.`)),
    log: (parts) => {
      log.push(parts.map(String).join(" "));
      return Promise.resolve(null);
    },
  };
  return host;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Runs every case of `tests.json` in `dir`; the manifest problems come first. */
export async function runHarness(dir: string): Promise<CaseOutcome[]> {
  const bundle = await readPluginDir(dir);
  const reason = incompatibility(bundle.manifest);
  if (reason) return [{ name: "manifest", passed: false, detail: reason }];
  const out: CaseOutcome[] = [{
    name: "manifest",
    passed: true,
    detail: `${bundle.manifest.name} ${bundle.manifest.version}`,
  }];
  const cases = z.array(caseSchema).parse(JSON.parse(await Deno.readTextFile(`${dir}/tests.json`)));
  for (const c of cases) {
    const log: string[] = [];
    const box = new Sandbox(bundle.manifest.title, bundle.code);
    const settings = settingsSchema(bundle.manifest.settings).parse(c.settings);
    const context = {
      settings,
      today: c.today,
      plugin: { name: bundle.manifest.name, version: bundle.manifest.version },
    };
    try {
      const value = await box.call(c.handler, [c.input, context], memoryHost(bundle, c, log));
      if (c.expectError) {
        out.push({
          name: c.name,
          passed: false,
          detail: `expected an error, got ${JSON.stringify(value)}`,
        });
      } else if (c.expect !== undefined && !equal(value, c.expect)) {
        out.push({
          name: c.name,
          passed: false,
          detail: `expected ${JSON.stringify(c.expect)}, got ${JSON.stringify(value)}`,
        });
      } else out.push({ name: c.name, passed: true, detail: "" });
    } catch (err) {
      const message = err instanceof PluginError ? err.message : String(err);
      const passed = Boolean(c.expectError && new RegExp(c.expectError).test(message));
      out.push({ name: c.name, passed, detail: passed ? "" : message });
    } finally {
      box.dispose();
    }
  }
  return out;
}
