/**
 * @module plugins/host/view_lockdown
 * What a plugin view's document runs before any code of the plugin, and how its markup is served.
 *
 * The view's CSP (`default-src 'none'`, plugins/host/views.ts) stops fetch, XHR, WebSocket,
 * EventSource, beacons, workers, images and frames from other addresses, but not WebRTC: an
 * `RTCPeerConnection` whose ICE servers name an attacker's host sends UDP packets there (the data
 * in the TURN user name), and Chromium does not know CSP's `webrtc 'block'` (tested with
 * Chromium 156: "Unrecognized Content-Security-Policy directive"). Nor does CSP stop
 * `<link rel=preconnect|dns-prefetch>` (a TCP connection or DNS lookup to a host whose name can
 * carry data), and a child frame made with `srcdoc` gets a fresh window with its own
 * `RTCPeerConnection` and runs its scripts even under `frame-src 'none'`.
 *
 * So, as well as a browser allows:
 *
 * - `LOCKDOWN_SCRIPT` runs first in the document. It removes every `RTC*` interface from the
 *   window (non-configurable `undefined`, so the plugin cannot put them back), removes XSLT and
 *   the Sanitizer API's `setHTML` (ways to make elements the checks below would not see), makes
 *   `createElement`, `createElementNS` and `createDocument` refuse frames, objects, embeds and
 *   links, and installs the Trusted Types `default` policy: every HTML string the plugin hands
 *   the DOM (`innerHTML`, `outerHTML`, `insertAdjacentHTML`, `document.write`, `DOMParser`,
 *   `createContextualFragment`, `setHTMLUnsafe`) is parsed inert and stripped of those elements;
 *   a frame's `srcdoc` and script text are refused outright. The CSP requires Trusted Types and
 *   allows only this script's policy names, so the plugin cannot make a policy of its own.
 * - `lockedDownView` puts that script first and renames the markup's own frame, object, embed
 *   and link tags (`<iframe` becomes `<x-blocked-iframe`), so the parser makes none either.
 *
 * What no page can prevent: a view navigating its own frame (`location.href = "https://…?data"`,
 * a link it clicks) sends that address to any host, because no browser lets a page restrict where
 * a frame navigates itself (CSP's `navigate-to` was never shipped). docs/plugins/api.md says so.
 */

/** Elements a view may not make: each can open a connection or a fresh window CSP does not see. */
export const BLOCKED_ELEMENTS = [
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "link",
  "portal",
  "fencedframe",
] as const;

/** The Trusted Types policy names the view's CSP allows: both made by the lockdown, first. */
export const TRUSTED_TYPES_POLICIES = ["default", "pm-lockdown"] as const;

/** Runs first in every plugin view (plain ES2020, no dependencies). */
export const LOCKDOWN_SCRIPT = `(() => {
  "use strict";
  const w = window;
  const blocked = new Set(${JSON.stringify(BLOCKED_ELEMENTS)});
  const gone = (obj, name) => {
    try { delete obj[name]; } catch (_) { /* not configurable */ }
    try {
      Object.defineProperty(obj, name, { value: undefined, writable: false, configurable: false });
    } catch (_) { /* already gone */ }
  };
  // WebRTC: every RTC interface (and the prefixed constructor) leaves the window for good.
  const names = new Set(["RTCPeerConnection", "webkitRTCPeerConnection", "RTCDataChannel",
    "RTCIceCandidate", "RTCSessionDescription", "RTCIceTransport", "RTCDtlsTransport",
    "RTCSctpTransport", "RTCRtpSender", "RTCRtpReceiver", "RTCRtpTransceiver", "RTCCertificate",
    "RTCEncodedAudioFrame", "RTCEncodedVideoFrame", "RTCRtpScriptTransform",
    "webkitRTCSessionDescription", "webkitRTCIceCandidate"]);
  for (let o = w; o; o = Object.getPrototypeOf(o)) {
    for (const n of Object.getOwnPropertyNames(o)) if (/^(webkit)?RTC/.test(n)) names.add(n);
  }
  for (const n of names) gone(w, n);
  // Ways to build elements the checks below do not see.
  gone(w, "XSLTProcessor");
  for (const proto of [w.Element && Element.prototype, w.ShadowRoot && ShadowRoot.prototype]) {
    if (proto) gone(proto, "setHTML");
  }
  if (w.Document) gone(Document, "parseHTML");
  const refuse = (name) => {
    throw new DOMException("A plugin view may not create <" + name + "> elements.", "SecurityError");
  };
  const tag = (name) => String(name).toLowerCase().replace(/^.*:/, "");
  const create = Document.prototype.createElement;
  const createNS = Document.prototype.createElementNS;
  Object.defineProperty(Document.prototype, "createElement", {
    value: function createElement(name, options) {
      if (blocked.has(tag(name))) refuse(tag(name));
      return create.call(this, name, options);
    },
    writable: false, configurable: false,
  });
  Object.defineProperty(Document.prototype, "createElementNS", {
    value: function createElementNS(ns, name, options) {
      if (blocked.has(tag(name))) refuse(tag(name));
      return createNS.call(this, ns, name, options);
    },
    writable: false, configurable: false,
  });
  const createDocument = DOMImplementation.prototype.createDocument;
  Object.defineProperty(DOMImplementation.prototype, "createDocument", {
    value: function (ns, name, doctype) {
      if (name && blocked.has(tag(name))) refuse(tag(name));
      return createDocument.call(this, ns, name, doctype);
    },
    writable: false, configurable: false,
  });
  // A child frame would be a fresh window: no way to get at one.
  for (const C of [w.HTMLIFrameElement, w.HTMLFrameElement, w.HTMLObjectElement,
    w.HTMLEmbedElement]) {
    if (!C) continue;
    for (const p of ["contentWindow", "contentDocument", "getSVGDocument"]) {
      if (p in C.prototype) gone(C.prototype, p);
    }
  }
  // Trusted Types: every HTML string passes through here, parsed inert and stripped.
  if (!w.trustedTypes) return;
  const raw = trustedTypes.createPolicy("pm-lockdown", { createHTML: (s) => s });
  const template = create.call(document, "template");
  const strip = (html) => {
    template.innerHTML = raw.createHTML(html);
    const walk = (root) => {
      for (const el of Array.from(root.querySelectorAll("*"))) {
        if (blocked.has(el.localName)) el.remove();
        else {
          el.removeAttribute("srcdoc");
          if (el.localName === "template") walk(el.content);
        }
      }
    };
    walk(template.content);
    return template.innerHTML;
  };
  // Parsed again where it lands, markup can change (mutation XSS): only a fixed point is kept.
  const clean = (html) => {
    let out = strip(html);
    for (let i = 0; i < 3; i++) {
      const again = strip(out);
      if (again === out) return out;
      out = again;
    }
    return "";
  };
  trustedTypes.createPolicy("default", {
    createHTML: (html, _type, sink) =>
      /srcdoc/i.test(String(sink)) ? null : clean(String(html)),
    createScript: () => null,
    createScriptURL: () => null,
  });
})();`;

const BLOCKED_TAG = new RegExp(`<(/?)(${BLOCKED_ELEMENTS.join("|")})(?=[\\s/>]|$)`, "gi");

/**
 * The view's markup as served: the lockdown first (after a doctype, so the document keeps its
 * mode), and the markup's own frame, object, embed and link tags renamed so none is made.
 */
export function lockedDownView(html: string): string {
  const renamed = html.replace(
    BLOCKED_TAG,
    (_m, slash: string, name: string) => `<${slash}x-blocked-${name.toLowerCase()}`,
  );
  const script = `<script>${LOCKDOWN_SCRIPT}</script>`;
  const doctype = /^\uFEFF?\s*<!doctype[^>]*>/i.exec(renamed);
  return doctype ? doctype[0] + script + renamed.slice(doctype[0].length) : script + renamed;
}
