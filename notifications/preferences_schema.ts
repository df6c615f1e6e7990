/**
 * @module notifications/preferences_schema
 * The preferences as the API and the preferences form send them: per event, the channels on.
 */
import { z } from "zod";
import { type Channel, CHANNELS, EVENT_KINDS, type EventKind } from "./events.ts";
import type { Preferences } from "./store.ts";

const ChannelsSchema = z.object(
  Object.fromEntries(CHANNELS.map((ch) => [ch, z.boolean()])) as Record<Channel, z.ZodBoolean>,
).strict();

/** `{ "<event>": { in_app, email, digest } }` for every event kind (all required). */
export const PreferencesSchema = z.object(
  Object.fromEntries(EVENT_KINDS.map((k) => [k, ChannelsSchema])) as Record<
    EventKind,
    typeof ChannelsSchema
  >,
).strict();

/** Preferences from a form: a checkbox named "<event>.<channel>" for each channel on. */
export function preferencesFromForm(form: Record<string, unknown>): Preferences {
  const out = {} as Preferences;
  for (const kind of EVENT_KINDS) {
    out[kind] = Object.fromEntries(
      CHANNELS.map((ch) => [ch, form[`${kind}.${ch}`] !== undefined]),
    ) as Record<Channel, boolean>;
  }
  return out;
}
