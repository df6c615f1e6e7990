/**
 * @module tests/helpers/soft_authenticator
 * A software WebAuthn authenticator for server tests: it makes ES256 passkeys ("none"
 * attestation) and signs assertions exactly as a browser and a platform authenticator would hand
 * them to the server, with knobs a real one lacks (skip user verification, replay a counter,
 * answer for another origin) so tests can prove the server refuses each.
 */
import { Buffer } from "node:buffer";
import { isoCBOR } from "@simplewebauthn/server/helpers";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";

interface StoredCredential {
  id: Uint8Array;
  rpId: string;
  userHandle: string;
  keys: CryptoKeyPair;
  counter: number;
}

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
const sha256 = async (data: Uint8Array) =>
  new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource));

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** WebCrypto signs ECDSA as r||s; WebAuthn wants it DER-encoded. */
function derSignature(raw: Uint8Array): Uint8Array {
  const int = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let v: Uint8Array = bytes.slice(i);
    if (v[0]! & 0x80) v = concat(new Uint8Array([0]), v);
    return concat(new Uint8Array([0x02, v.length]), v);
  };
  const body = concat(int(raw.slice(0, 32)), int(raw.slice(32)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

export interface Ceremony {
  origin: string;
  /** Leave the user-verified flag off (a security key touched without its PIN). */
  skipUserVerification?: boolean;
}

export class SoftAuthenticator {
  readonly credentials: StoredCredential[] = [];

  async #authData(rpId: string, uv: boolean, counter: number, attested?: Uint8Array) {
    const flags = 0x01 | (uv ? 0x04 : 0) | (attested ? 0x40 : 0);
    const count = new Uint8Array(4);
    new DataView(count.buffer).setUint32(0, counter);
    return concat(
      await sha256(new TextEncoder().encode(rpId)),
      new Uint8Array([flags]),
      count,
      attested ?? new Uint8Array(),
    );
  }

  /** navigator.credentials.create(): a new discoverable ES256 credential. */
  async create(
    options: PublicKeyCredentialCreationOptionsJSON,
    ceremony: Ceremony,
  ): Promise<RegistrationResponseJSON> {
    const keys = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ]) as CryptoKeyPair;
    const jwk = await crypto.subtle.exportKey("jwk", keys.publicKey);
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(Buffer.from(jwk.x!, "base64url"))],
        [-3, new Uint8Array(Buffer.from(jwk.y!, "base64url"))],
      ]),
    );
    const id = crypto.getRandomValues(new Uint8Array(32));
    const rpId = options.rp.id!;
    const attested = concat(new Uint8Array(16), new Uint8Array([0, id.length]), id, cose);
    const authData = await this.#authData(rpId, !ceremony.skipUserVerification, 0, attested);
    const clientData = new TextEncoder().encode(JSON.stringify({
      type: "webauthn.create",
      challenge: options.challenge,
      origin: ceremony.origin,
      crossOrigin: false,
    }));
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([["fmt", "none"], ["attStmt", new Map()], [
        "authData",
        authData,
      ]]) as Parameters<typeof isoCBOR.encode>[0],
    );
    this.credentials.push({ id, rpId, userHandle: options.user.id, keys, counter: 0 });
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: "public-key",
      response: {
        clientDataJSON: b64url(clientData),
        attestationObject: b64url(attestationObject),
        transports: ["internal"],
      },
      clientExtensionResults: {},
    };
  }

  /**
   * navigator.credentials.get(): signs with the newest credential for `options.rpId` (or
   * `credential`), raising its counter unless `counter` sets the value to send.
   */
  async get(
    options: PublicKeyCredentialRequestOptionsJSON,
    ceremony: Ceremony & { credential?: StoredCredential; counter?: number },
  ): Promise<AuthenticationResponseJSON> {
    const cred = ceremony.credential ??
      this.credentials.findLast((c) => c.rpId === options.rpId);
    if (!cred) throw new Error(`no credential for ${options.rpId}`);
    if (ceremony.counter === undefined) cred.counter++;
    const counter = ceremony.counter ?? cred.counter;
    const authData = await this.#authData(
      options.rpId!,
      !ceremony.skipUserVerification,
      counter,
    );
    const clientData = new TextEncoder().encode(JSON.stringify({
      type: "webauthn.get",
      challenge: options.challenge,
      origin: ceremony.origin,
      crossOrigin: false,
    }));
    const signed = concat(authData, await sha256(clientData));
    const raw = new Uint8Array(
      await crypto.subtle.sign(
        { name: "ECDSA", hash: "SHA-256" },
        cred.keys.privateKey,
        signed as BufferSource,
      ),
    );
    return {
      id: b64url(cred.id),
      rawId: b64url(cred.id),
      type: "public-key",
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authData),
        signature: b64url(derSignature(raw)),
        userHandle: cred.userHandle,
      },
      clientExtensionResults: {},
    };
  }
}
