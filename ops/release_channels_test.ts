import assert from "node:assert/strict";
import {
  compareReleases,
  CURRENT_RELEASE,
  featureOnChannel,
  type Release,
  type ReleaseFeature,
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
    { version: "2026.12.0", date: "2026-12-01", notes: ["c"] },
    { version: "2026.11.0", date: "2026-11-01", notes: ["b"] },
    { version: "2026.10.0", date: "2026-10-01", notes: ["a"] },
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
