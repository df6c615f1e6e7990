/**
 * @module ops/release_channels
 * Versions per client without branches: every workspace runs the same code, and what it sees of
 * a release depends on its channel. `stable` (the default) gets features once they are stable;
 * `early` also gets those still in early access; `pinned` to a release gets only the stable
 * features of that release and before, for a workspace that needs time (training, a validated
 * process). Features name their stage and release in `RELEASE_FEATURES`; code asks
 * `featureOnChannel` (or `releaseFeatureOn` for a tenant) before showing one. Operators move a
 * workspace between channels in the console; the workspace sees its channel and what is new at
 * `/whats-new`.
 */
import type { Client } from "../db/client.ts";
import { InvalidError } from "../domain/errors.ts";
import type { Language } from "../i18n/format.ts";

export const CHANNELS = ["stable", "early", "pinned"] as const;
export type Channel = typeof CHANNELS[number];

/** A workspace's channel; `release` only when pinned. */
export interface ChannelSetting {
  channel: Channel;
  release: string | null;
}

/**
 * One line of a release's notes: its English, and its text in each other language the interface
 * speaks (`es`); a language without one reads the English (`noteIn`).
 */
export type ReleaseNote = { en: string } & Partial<Record<Language, string>>;

/** A release and what it brought, newest first in `RELEASES`. */
export interface Release {
  version: string;
  date: string;
  notes: ReleaseNote[];
}

/** A note in `language`, or its English when it has no text in that language. */
export function noteIn(note: ReleaseNote, language: Language): string {
  return note[language] || note.en;
}

/** A feature that a channel switches on. */
export interface ReleaseFeature {
  key: string;
  title: string;
  /** `early`: early-access channel only; `stable`: every channel from `since` on. */
  stage: "early" | "stable";
  /** The release it became stable in (or, in early access, the release it appeared in). */
  since: string;
}

/** Releases, newest first (CHANGELOG for workspaces; versions are YYYY.MM.N). */
export const RELEASES: Release[] = [
  {
    version: "2026.12.0",
    date: "2026-12-06",
    notes: [
      {
        en: "The service's operators watch every workspace's errors and response times and are " +
          "alerted when something changes, often before you notice.",
        es: "Los operadores del servicio vigilan los errores y los tiempos de respuesta de cada " +
          "espacio de trabajo y reciben un aviso cuando algo cambia, a menudo antes de que usted " +
          "lo note.",
      },
      {
        en: "Operators can look at your workspace read-only to help with a support request, only " +
          "with a reason and a time limit; each look is in Settings → Security.",
        es: "Los operadores pueden ver su espacio de trabajo en solo lectura para atender una " +
          "solicitud de soporte, siempre con un motivo y un tiempo límite; cada consulta queda en " +
          "Configuración → Seguridad.",
      },
      {
        en: "Canadian and Mexican brokers can keep their books in CAD or MXN: choose the " +
          "workspace's currency in Settings → Company before the first order.",
        es: "Los brókers de Canadá y México pueden llevar sus cuentas en CAD o MXN: elija la " +
          "moneda del espacio de trabajo en Configuración → Empresa antes del primer pedido.",
      },
      {
        en: "Owners and admins see every member's API tokens in Settings → API tokens and can " +
          "revoke any of them at once.",
        es: "Los propietarios y administradores ven los tokens de API de cada miembro en " +
          "Configuración → Tokens de API y pueden revocar cualquiera al instante.",
      },
    ],
  },
];

/** The release this code is. */
export const CURRENT_RELEASE = RELEASES[0]!.version;

/** Features gated by channel. */
export const RELEASE_FEATURES: ReleaseFeature[] = [];

/** Orders YYYY.MM.N versions; negative when `a` is older. */
export function compareReleases(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** Whether `feature` is on for a workspace on `setting`. */
export function featureOnChannel(feature: ReleaseFeature, setting: ChannelSetting): boolean {
  if (feature.stage === "early") return setting.channel === "early";
  if (setting.channel === "pinned" && setting.release) {
    return compareReleases(feature.since, setting.release) <= 0;
  }
  return true;
}

/** The releases a workspace on `setting` has received, newest first. */
export function releasesFor(setting: ChannelSetting, releases = RELEASES): Release[] {
  if (setting.channel !== "pinned" || !setting.release) return releases;
  return releases.filter((r) => compareReleases(r.version, setting.release!) <= 0);
}

/** A workspace's channel (stable when none was set). */
export async function channelOf(control: Client, tenantId: string): Promise<ChannelSetting> {
  const rs = await control.execute({
    sql: "SELECT channel, pinned_release FROM tenant_release_channels WHERE tenant_id = ?",
    args: [tenantId],
  });
  const r = rs.rows[0];
  if (!r) return { channel: "stable", release: null };
  const channel = CHANNELS.includes(r.channel as Channel) ? r.channel as Channel : "stable";
  return { channel, release: r.pinned_release === null ? null : String(r.pinned_release) };
}

/** Whether the feature `key` is on for a workspace (unknown keys are off). */
export async function releaseFeatureOn(
  control: Client,
  tenantId: string,
  key: string,
  features = RELEASE_FEATURES,
): Promise<boolean> {
  const feature = features.find((f) => f.key === key);
  return feature ? featureOnChannel(feature, await channelOf(control, tenantId)) : false;
}

/** Moves a workspace to a channel; a pinned one needs a known release. */
export async function setChannel(
  control: Client,
  tenantId: string,
  setting: ChannelSetting,
  by: string,
  now: Date,
  releases = RELEASES,
): Promise<void> {
  if (setting.channel === "pinned") {
    if (!setting.release || !releases.some((r) => r.version === setting.release)) {
      throw new InvalidError("Pin the workspace to one of the releases listed.", {
        release: [`Known releases: ${releases.map((r) => r.version).join(", ")}.`],
      });
    }
  }
  await control.execute({
    sql: `INSERT INTO tenant_release_channels (tenant_id, channel, pinned_release, updated_at,
            updated_by) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (tenant_id) DO UPDATE SET channel = excluded.channel,
            pinned_release = excluded.pinned_release, updated_at = excluded.updated_at,
            updated_by = excluded.updated_by`,
    args: [
      tenantId,
      setting.channel,
      setting.channel === "pinned" ? setting.release : null,
      now.toISOString(),
      by,
    ],
  });
}

/** Workspaces not on stable, with their channel, for the console's releases page. */
export async function channelAssignments(
  control: Client,
): Promise<Array<{ slug: string; channel: Channel; release: string | null; since: string }>> {
  const rs = await control.execute(
    `SELECT t.slug, rc.channel, rc.pinned_release, rc.updated_at FROM tenant_release_channels rc
     JOIN tenants t ON t.id = rc.tenant_id WHERE rc.channel != 'stable' ORDER BY t.slug`,
  );
  return rs.rows.map((r) => ({
    slug: String(r.slug),
    channel: String(r.channel) as Channel,
    release: r.pinned_release === null ? null : String(r.pinned_release),
    since: String(r.updated_at),
  }));
}
