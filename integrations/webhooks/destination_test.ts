import assert from "node:assert/strict";
import { checkDestination, checkUrlForm, DestinationError } from "./destination.ts";

const publicOnly = (addresses: string[]) => ({
  allowPrivate: false,
  resolve: () => Promise.resolve(addresses),
});

Deno.test("a public https endpoint passes", async () => {
  const url = await checkDestination("https://hooks.example.com/pm", publicOnly(["93.184.216.34"]));
  assert.equal(url.hostname, "hooks.example.com");
});

Deno.test("endpoints on private, loopback, link-local or metadata addresses are refused", async () => {
  for (
    const raw of [
      "https://127.0.0.1/h",
      "https://10.1.2.3/h",
      "https://[::1]/h",
      "https://localhost/h",
    ]
  ) {
    assert.throws(() => checkUrlForm(raw, false), DestinationError, raw);
  }
  // A public-looking name that resolves inside (DNS pointing at the metadata service) is refused
  // when the call is made, not only when the endpoint is saved.
  for (const inside of ["169.254.169.254", "192.168.1.10", "fd00::1", "::ffff:127.0.0.1"]) {
    await assert.rejects(
      checkDestination("https://sneaky.example.com/h", publicOnly(["93.184.216.34", inside])),
      DestinationError,
      inside,
    );
  }
  await assert.rejects(checkDestination("https://gone.example.com/h", publicOnly([])), /resolve/);
});

Deno.test("plain http and credentials in the URL are refused", () => {
  assert.throws(() => checkUrlForm("http://hooks.example.com/h", false), /https/);
  assert.throws(() => checkUrlForm("https://a:b@hooks.example.com/h", false), /password/);
  assert.throws(() => checkUrlForm("ftp://hooks.example.com/h", false), /https/);
  // Tests and a developer's machine only (production refuses the setting).
  assert.equal(checkUrlForm("http://127.0.0.1:9000/h", true).port, "9000");
});
