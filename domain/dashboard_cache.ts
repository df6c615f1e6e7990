/**
 * @module domain/dashboard_cache
 * The dashboard's numbers per tenant, kept until the tenant's data changes (see
 * records/changes.ts) or the day turns (aging moves with the calendar). Computing them scans
 * thousands of rows (about 14 ms for 10,000 POs); checking the cache is one indexed read.
 */
import type { Executor } from "../db/transaction.ts";
import { changeVersion } from "./records/changes.ts";
import { type DashboardNumbers, dashboardNumbers, today } from "./reports.ts";

interface Entry {
  version: number;
  day: string;
  numbers: DashboardNumbers;
}

/** Bounded: the least recently used tenant's numbers go first. */
const MAX_TENANTS = 2000;
const entries = new Map<string, Entry>();

export async function cachedDashboardNumbers(
  db: Executor,
  tenantId: string,
): Promise<DashboardNumbers> {
  const [version, day] = [await changeVersion(db), today()];
  const hit = entries.get(tenantId);
  if (hit && hit.version === version && hit.day === day) {
    entries.delete(tenantId);
    entries.set(tenantId, hit);
    return hit.numbers;
  }
  const numbers = await dashboardNumbers(db, day);
  entries.set(tenantId, { version, day, numbers });
  if (entries.size > MAX_TENANTS) entries.delete(entries.keys().next().value!);
  return numbers;
}
