import assert from "node:assert/strict";
import { mentionedIn } from "./mentions.ts";

const members = [
  { user_id: "u1", name: "Ann", email: "ann@acme.test" },
  { user_id: "u2", name: "Ann Lee", email: "alee@acme.test" },
  { user_id: "u3", name: "Olive Owner", email: "olive@acme.test" },
];

Deno.test("mentionedIn() finds members by full name or e-mail handle, longest name first", () => {
  assert.deepEqual(mentionedIn("@Ann Lee please call the plant", members), ["u2"]);
  assert.deepEqual(mentionedIn("cc @olive and @ann", members), ["u1", "u3"]);
  assert.deepEqual(mentionedIn("@OLIVE OWNER: done", members), ["u3"]);
});

Deno.test("mentionedIn() ignores e-mail addresses, longer words and text without an @", () => {
  assert.deepEqual(mentionedIn("write to ann@acme.test", members), []);
  assert.deepEqual(mentionedIn("@olivercorp called", members), []);
  assert.deepEqual(mentionedIn("Ann Lee said hello", members), []);
});
