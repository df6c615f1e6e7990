import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import {
  compareReleases,
  CURRENT_RELEASE,
  featureOnChannel,
  noteIn,
  type Release,
  type ReleaseFeature,
  RELEASES,
  releasesFor,
} from "./release_channels.ts";

const features: Record<string, ReleaseFeature> = {
  old: { key: "old", title: "Old", stage: "stable", since: "2026.10.0" },
  recent: { key: "recent", title: "Recent", stage: "stable", since: "2026.12.0" },
  trial: { key: "trial", title: "Trial", stage: "early", since: "2026.12.0" },
};

Deno.test("featureOnChannel(): early access sees early features, stable only stable ones, a pin only up to its release", () => {
  const on = (key: string, channel: "stable" | "early" | "pinned", release: string | null = null) =>
    featureOnChannel(features[key]!, { channel, release });
  assert.deepEqual([on("old", "stable"), on("recent", "stable"), on("trial", "stable")], [
    true,
    true,
    false,
  ]);
  assert.deepEqual([on("old", "early"), on("recent", "early"), on("trial", "early")], [
    true,
    true,
    true,
  ]);
  assert.deepEqual(
    [
      on("old", "pinned", "2026.11.2"),
      on("recent", "pinned", "2026.11.2"),
      on("trial", "pinned", "2026.11.2"),
    ],
    [true, false, false],
  );
});

Deno.test("compareReleases() orders YYYY.MM.N numerically and releasesFor() stops at a pin", () => {
  assert.ok(compareReleases("2026.9.0", "2026.10.0") < 0);
  assert.ok(compareReleases("2026.10.10", "2026.10.9") > 0);
  assert.equal(compareReleases("2026.10.0", "2026.10.0"), 0);
  const releases: Release[] = [
    { version: "2026.12.0", date: "2026-12-01", notes: [{ en: "c" }] },
    { version: "2026.11.0", date: "2026-11-01", notes: [{ en: "b" }] },
    { version: "2026.10.0", date: "2026-10-01", notes: [{ en: "a" }] },
  ];
  assert.deepEqual(
    releasesFor({ channel: "pinned", release: "2026.11.0" }, releases).map((r) => r.version),
    ["2026.11.0", "2026.10.0"],
  );
  assert.equal(releasesFor({ channel: "stable", release: null }, releases).length, 3);
});

Deno.test("CHANGELOG.md has an entry for the current release", async () => {
  const changelog = await Deno.readTextFile(new URL("../CHANGELOG.md", import.meta.url));
  assert.match(changelog, new RegExp(`^## ${CURRENT_RELEASE.replaceAll(".", "\\.")}\\b`, "m"));
});

Deno.test("noteIn(): a note reads in the reader's language, in English when it has none", () => {
  const both = { en: "Faster lists.", es: "Listas más rápidas." };
  const englishOnly = { en: "A new report." };
  assert.equal(noteIn(both, "es"), "Listas más rápidas.");
  assert.equal(noteIn(both, "en"), "Faster lists.");
  assert.equal(noteIn(englishOnly, "es"), "A new report.");
  assert.equal(noteIn({ en: "Blank.", es: "" }, "es"), "Blank.");
});

Deno.test("What's new shows a Spanish reader each note's Spanish and an English reader its English", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const cookie = t.jar.header(t.host);
    const page = async () =>
      await (await server.fetch(t.host, "/whats-new", { headers: { cookie } })).text();
    const notes = RELEASES[0]!.notes;
    assert.ok(notes.every((n) => n.es), "every current note has its Spanish");
    const english = await page();
    for (const note of notes) assert.ok(english.includes(escape(note.en)), note.en);
    const saved = await server.fetch(t.host, "/settings/profile/language", {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: t.csrf, language: "es" }).toString(),
    });
    assert.equal(saved.status, 200);
    await saved.body?.cancel();
    const spanish = await page();
    for (const note of notes) {
      assert.ok(spanish.includes(escape(note.es!)), note.es!);
      assert.ok(!spanish.includes(escape(note.en)), `English left: ${note.en}`);
    }
  } finally {
    await server.close();
  }
});

/** Text as the server renders it in HTML. */
function escape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;");
}
