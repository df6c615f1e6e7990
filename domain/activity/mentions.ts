/**
 * @module domain/activity/mentions
 * Finds the members a note mentions: "@" followed by a member's full name or the part of their
 * e-mail address before the "@" ("@Olive Owner", "@olive"), in any case. Names are matched
 * longest first, so "@Ann Lee" is Ann Lee and not a member called Ann.
 */

/** A member as a mention can name them. */
export interface Mentionable {
  user_id: string;
  name: string;
  email: string;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The user ids a text mentions, each once, in the order of the members given. */
export function mentionedIn(text: string, members: readonly Mentionable[]): string[] {
  const handles = members.flatMap((m) => [
    { id: m.user_id, handle: m.name.trim() },
    { id: m.user_id, handle: m.email.split("@")[0] ?? "" },
  ]).filter((h) => h.handle.length > 0).sort((a, b) => b.handle.length - a.handle.length);
  const found = new Set<string>();
  let rest = text;
  for (const { id, handle } of handles) {
    // A handle ends at a non-word character or the end, so "@olive" does not match "@oliver".
    const pattern = new RegExp(`(^|[^\\w@])@${escape(handle)}(?![\\w])`, "giu");
    if (pattern.test(rest)) {
      found.add(id);
      rest = rest.replace(pattern, "$1");
    }
  }
  return members.map((m) => m.user_id).filter((id) => found.has(id));
}
