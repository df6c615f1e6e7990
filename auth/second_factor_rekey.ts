/**
 * @module auth/second_factor_rekey
 * `deno task second-factor:rekey`: after SECOND_FACTOR_KEY was rotated (the old value moved to
 * SECOND_FACTOR_KEY_PREVIOUS), seals every authenticator secret still under the previous key again
 * under the current one, so the previous key can be dropped without waiting for each user to
 * sign in. Safe to run while the app serves: a row is replaced only if it still holds the value
 * read (a sign-in that sealed it again first wins). Prints what it did and what it could not open.
 */
import { loadConfig } from "../config.ts";
import { openControlDatabase } from "../crypto/keyring.ts";
import type { Client } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { openSecretForUse, type SecretBoxConfig } from "./secret_box.ts";

/** What a re-key pass found. */
export interface RekeyReport {
  /** Secrets sealed again under the current key. */
  rekeyed: number;
  /** Secrets already under the current key. */
  current: number;
  /** Secrets that open under neither key (their users must set up their app again). */
  unreadable: string[];
}

/** Seals every TOTP secret under the current SECOND_FACTOR_KEY; see the module header. */
export async function rekeySecondFactorSecrets(
  control: Client,
  config: SecretBoxConfig,
): Promise<RekeyReport> {
  const report: RekeyReport = { rekeyed: 0, current: 0, unreadable: [] };
  const rows = await control.execute("SELECT user_id, secret_sealed FROM user_totp");
  for (const row of rows.rows) {
    const userId = String(row.user_id);
    const sealed = String(row.secret_sealed);
    let resealed: string | null;
    try {
      ({ resealed } = await openSecretForUse(config, sealed, userId));
    } catch {
      report.unreadable.push(userId);
      continue;
    }
    if (!resealed) {
      report.current++;
      continue;
    }
    const rs = await control.execute({
      sql: "UPDATE user_totp SET secret_sealed = ? WHERE user_id = ? AND secret_sealed = ?",
      args: [resealed, userId, sealed],
    });
    if (rs.rowsAffected === 1) report.rekeyed++;
    else report.current++;
  }
  return report;
}

/** The report as the command prints it. */
export function rekeySummary(report: RekeyReport, hasPrevious: boolean): string {
  const lines = [
    `Sealed ${report.rekeyed} authenticator secret(s) again under SECOND_FACTOR_KEY; ` +
    `${report.current} already were.`,
  ];
  if (report.unreadable.length) {
    lines.push(
      `${report.unreadable.length} open under neither key (users ${
        report.unreadable.join(", ")
      }): set SECOND_FACTOR_KEY_PREVIOUS to the key they were made with, or ask them to set up ` +
        "their authenticator app again.",
    );
  } else if (hasPrevious) {
    lines.push(
      "No secret needs SECOND_FACTOR_KEY_PREVIOUS any more. Recovery codes made before the " +
        "rotation still match only under it: keep it until they are used or replaced, or drop it " +
        "and those codes stop working.",
    );
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const config = loadConfig();
  const { control } = await openControlDatabase(config, console.log);
  let code = 0;
  try {
    await migrate(control, "control");
    const report = await rekeySecondFactorSecrets(control, config);
    console.log(rekeySummary(report, Boolean(config.SECOND_FACTOR_KEY_PREVIOUS)));
    if (report.unreadable.length) code = 1;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    code = 1;
  } finally {
    control.close();
  }
  Deno.exit(code);
}
