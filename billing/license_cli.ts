/**
 * @module billing/license_cli
 * `deno task license <command>`: licence keys for self-hosted and offline deployments.
 *
 *     license keygen
 *         prints a new key pair: LICENSE_PUBLIC_KEY for servers, LICENSE_PRIVATE_KEY to keep safe
 *     license issue --tenant-id <id> --slug <slug> --plan <plan> --expires <YYYY-MM-DD|365d>
 *                   [--seats N] [--entitlement key=value ...]
 *         (or --tenant <slug> to look the id up in this DATA_DIR); signs with LICENSE_PRIVATE_KEY
 *     license inspect <token>     shows the claims; verifies them if LICENSE_PUBLIC_KEY is set
 *     license install <slug> <token>   verifies and installs on a tenant of this DATA_DIR
 */
import { DAY_PATTERN, isRealDay } from "../domain/day.ts";
import { clockFromSetting } from "../domain/clock.ts";
import { parseArgs } from "node:util";
import { type Config, loadConfig } from "../config.ts";
import type { Client } from "../db/client.ts";
import { openInstallationControl } from "../tenants/control_database.ts";
import { migrate } from "../db/migrate.ts";
import { AppError } from "../domain/errors.ts";
import { installLicense, parseOverrides, tenantIdBySlug } from "./admin.ts";
import {
  generateLicenseKeys,
  inspectLicense,
  issueLicense,
  LicenseError,
  verifyLicense,
} from "./license.ts";
import { type Entitlements, isPlanId, PLAN_IDS } from "./plans.ts";

const USAGE = `Usage:
  license keygen
  license issue (--tenant <slug> | --tenant-id <id> --slug <slug>) --plan <${PLAN_IDS.join("|")}>
                --expires <YYYY-MM-DD|Nd> [--seats N|unlimited] [--entitlement key=value ...]
  license inspect <token>
  license install <slug> <token>`;

function bad(message: string): never {
  throw new AppError("invalid_request", 400, message);
}

/**
 * Parses `2027-01-31` (the end of that day, UTC: a licence belongs to an installation, not to one
 * workspace's zone), `365d` (days from now) or a full ISO instant into a date. Anything else,
 * "12/06/26" or a day that does not exist, is refused rather than read some way.
 */
export function parseExpiry(value: string, now = new Date()): Date {
  const days = /^(\d+)d$/.exec(value);
  if (days) return new Date(now.getTime() + Number(days[1]) * 86_400_000);
  const isDay = DAY_PATTERN.test(value);
  if (isDay && !isRealDay(value)) bad(`--expires: ${value} does not exist`);
  const d = new Date(isDay ? `${value}T23:59:59Z` : value);
  if ((!isDay && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) || Number.isNaN(d.getTime())) {
    bad(`--expires: "${value}" is not a date (YYYY-MM-DD) or a number of days (365d)`);
  }
  return d;
}

/** Runs one licence command; `control` is opened only by commands that need it. */
export async function runLicenseCli(
  args: string[],
  deps: {
    config: Config;
    privateKey?: string;
    openControl: () => Promise<Client>;
  },
): Promise<string> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      tenant: { type: "string" },
      "tenant-id": { type: "string" },
      slug: { type: "string" },
      plan: { type: "string" },
      expires: { type: "string" },
      seats: { type: "string" },
      entitlement: { type: "string", multiple: true },
    },
  });
  const [command, ...rest] = positionals;
  switch (command) {
    case "keygen": {
      const keys = await generateLicenseKeys();
      return [
        `LICENSE_PUBLIC_KEY=${keys.publicKey}`,
        `LICENSE_PRIVATE_KEY=${keys.privateKey}`,
        "# Servers need only the public key. Keep the private key out of every server.",
      ].join("\n");
    }
    case "issue": {
      if (!deps.privateKey) bad("Set LICENSE_PRIVATE_KEY (from license keygen) to issue licences.");
      if (!isPlanId(values.plan)) bad(USAGE);
      if (!values.expires) bad(USAGE);
      let tenantId = values["tenant-id"];
      let slug = values.slug;
      if (values.tenant) {
        const control = await deps.openControl();
        tenantId = await tenantIdBySlug(control, values.tenant);
        slug = values.tenant;
      }
      if (!tenantId || !slug) bad(USAGE);
      const seats = values.seats === undefined
        ? undefined
        : values.seats === "unlimited"
        ? null
        : /^\d+$/.test(values.seats)
        ? Number(values.seats)
        : bad("--seats is a whole number or unlimited");
      const entitlements = parseOverrides(values.entitlement ?? [], {}) as Partial<Entitlements>;
      return await issueLicense(deps.privateKey, {
        tenantId,
        tenantSlug: slug,
        plan: values.plan,
        seats,
        entitlements,
        expiresAt: parseExpiry(values.expires),
      });
    }
    case "inspect": {
      const token = rest[0] ?? bad(USAGE);
      let shown: ReturnType<typeof inspectLicense>;
      try {
        shown = inspectLicense(token);
      } catch {
        return bad("This is not a licence key.");
      }
      const lines = [JSON.stringify(shown, null, 2)];
      const exp = Number(shown.claims.exp) * 1000;
      lines.push(`expires ${new Date(exp).toISOString()}${exp < Date.now() ? " (expired)" : ""}`);
      if (deps.config.LICENSE_PUBLIC_KEY) {
        try {
          await verifyLicense(token, deps.config.LICENSE_PUBLIC_KEY, String(shown.claims.sub));
          lines.push("signature: valid for LICENSE_PUBLIC_KEY");
        } catch (err) {
          lines.push(`signature: NOT valid (${err instanceof LicenseError ? err.message : err})`);
        }
      } else lines.push("signature: not checked (no LICENSE_PUBLIC_KEY)");
      return lines.join("\n");
    }
    case "install": {
      const [slug, token] = rest;
      if (!slug || !token) bad(USAGE);
      const control = await deps.openControl();
      const tenantId = await tenantIdBySlug(control, slug);
      const clock = clockFromSetting(deps.config.TEST_TODAY);
      const license = await installLicense(
        { control, config: deps.config, clock },
        tenantId,
        token,
      );
      return `Installed on ${slug}: ${license.plan} until ${license.expiresAt.toISOString()}.`;
    }
    default:
      return bad(USAGE);
  }
}

if (import.meta.main) {
  const config = loadConfig();
  let control: Client | null = null;
  let code = 0;
  try {
    console.log(
      await runLicenseCli(Deno.args, {
        config,
        privateKey: Deno.env.get("LICENSE_PRIVATE_KEY"),
        openControl: async () => {
          control = (await openInstallationControl(config, console.warn)).control;
          await migrate(control, "control");
          return control;
        },
      }),
    );
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    code = 1;
  } finally {
    (control as Client | null)?.close();
  }
  Deno.exit(code);
}
