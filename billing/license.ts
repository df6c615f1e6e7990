/**
 * @module billing/license
 * Licence keys for self-hosted and offline deployments: an Ed25519-signed JWT (jose, `EdDSA`)
 * that names one tenant, its plan, entitlements, seats and expiry. The server holds only the
 * public key (LICENSE_PUBLIC_KEY) and verifies offline. Keys are base64url strings: the public key
 * is the raw 32-byte Ed25519 point, the private key `<d>.<x>`.
 *
 * Verification checks the signature, the issuer, the token type and the tenant; it does not
 * refuse an expired licence, because expiry follows the same grace and read-only rule as a
 * subscription (see `accessForLicense` in billing/state.ts).
 */
import {
  compactVerify,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
} from "jose";
import { z } from "zod";
import { type Entitlements, PLAN_IDS, type PlanId, PLANS } from "./plans.ts";

export const LICENSE_ISSUER = "projectmeats";
export const LICENSE_TYPE = "pm-license+jwt";

const EntitlementsPatch = z.object({
  seats: z.number().int().min(0).nullable(),
  documentsPerMonth: z.number().int().min(0).nullable(),
  aiTokensPerMonth: z.number().int().min(0).nullable(),
  aiAssistant: z.boolean(),
  apiAccess: z.boolean(),
  customDomain: z.boolean(),
  plugins: z.boolean(),
  reportExports: z.boolean(),
  sso: z.boolean(),
  auditRetentionDays: z.number().int().min(0),
}).partial();

const ClaimsSchema = z.object({
  iss: z.literal(LICENSE_ISSUER),
  sub: z.string().min(1),
  tenant_slug: z.string().min(1),
  plan: z.enum(PLAN_IDS),
  seats: z.number().int().min(0).nullable(),
  entitlements: EntitlementsPatch.default({}),
  iat: z.number().int(),
  exp: z.number().int(),
  jti: z.string().optional(),
});

export interface License {
  tenantId: string;
  tenantSlug: string;
  plan: PlanId;
  seats: number | null;
  /** The plan's entitlements with the licence's own values (seats included) on top. */
  entitlements: Entitlements;
  issuedAt: Date;
  expiresAt: Date;
  id: string | null;
}

export type LicenseProblem = "malformed" | "bad_signature" | "wrong_tenant" | "bad_claims";

/** A licence that must not be used; `reason` says why. */
export class LicenseError extends Error {
  constructor(readonly reason: LicenseProblem, message: string) {
    super(message);
    this.name = "LicenseError";
  }
}

/** Makes a new Ed25519 key pair, as base64url strings for configuration and the issuing CLI. */
export async function generateLicenseKeys(): Promise<{ publicKey: string; privateKey: string }> {
  const { privateKey } = await generateKeyPair("Ed25519", { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { publicKey: jwk.x!, privateKey: `${jwk.d}.${jwk.x}` };
}

function importPublic(publicKey: string) {
  return importJWK({ kty: "OKP", crv: "Ed25519", x: publicKey.trim() }, "EdDSA");
}

export interface IssueInput {
  tenantId: string;
  tenantSlug: string;
  plan: PlanId;
  /** Seats allowed; the plan's number when omitted. */
  seats?: number | null;
  /** Entitlements that differ from the plan's. */
  entitlements?: Partial<Entitlements>;
  expiresAt: Date;
  issuedAt?: Date;
}

/** Signs a licence with the private key (`<d>.<x>`). */
export async function issueLicense(privateKey: string, input: IssueInput): Promise<string> {
  const [d, x] = privateKey.trim().split(".");
  if (!d || !x) throw new Error("The private key must look like <d>.<x> (from license keygen).");
  const key = await importJWK({ kty: "OKP", crv: "Ed25519", d, x }, "EdDSA");
  const seats = input.seats === undefined ? PLANS[input.plan].entitlements.seats : input.seats;
  const issuedAt = input.issuedAt ?? new Date();
  return await new SignJWT({
    tenant_slug: input.tenantSlug,
    plan: input.plan,
    seats,
    entitlements: input.entitlements ?? {},
  })
    .setProtectedHeader({ alg: "EdDSA", typ: LICENSE_TYPE })
    .setIssuer(LICENSE_ISSUER)
    .setSubject(input.tenantId)
    .setJti(crypto.randomUUID())
    .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
    .setExpirationTime(Math.floor(input.expiresAt.getTime() / 1000))
    .sign(key);
}

function toLicense(claims: z.infer<typeof ClaimsSchema>): License {
  const base = PLANS[claims.plan].entitlements;
  return {
    tenantId: claims.sub,
    tenantSlug: claims.tenant_slug,
    plan: claims.plan,
    seats: claims.seats,
    entitlements: { ...base, ...claims.entitlements, seats: claims.seats },
    issuedAt: new Date(claims.iat * 1000),
    expiresAt: new Date(claims.exp * 1000),
    id: claims.jti ?? null,
  };
}

/** Verifies a licence for `tenantId` with the public key; throws LicenseError if unusable. */
export async function verifyLicense(
  token: string,
  publicKey: string,
  tenantId: string,
): Promise<License> {
  let payload: Uint8Array;
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== "EdDSA" || header.typ !== LICENSE_TYPE) {
      throw new LicenseError("malformed", "This is not a ProjectMeats licence key.");
    }
    const key = await importPublic(publicKey);
    payload = (await compactVerify(token.trim(), key, { algorithms: ["EdDSA"] })).payload;
  } catch (err) {
    if (err instanceof LicenseError) throw err;
    const name = err instanceof Error ? err.name : "";
    const code = (err as { code?: string }).code;
    if (
      code === "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" || name === "JWSSignatureVerificationFailed"
    ) {
      throw new LicenseError(
        "bad_signature",
        "The licence key was altered or signed by another key.",
      );
    }
    throw new LicenseError("malformed", "The licence key is not readable.");
  }
  let claims: z.infer<typeof ClaimsSchema>;
  try {
    claims = ClaimsSchema.parse(JSON.parse(new TextDecoder().decode(payload)));
  } catch {
    throw new LicenseError("bad_claims", "The licence key is missing required details.");
  }
  if (claims.sub !== tenantId) {
    throw new LicenseError("wrong_tenant", "This licence key belongs to another workspace.");
  }
  return toLicense(claims);
}

/** Reads a licence's claims without checking the signature (for `license inspect`). */
export function inspectLicense(token: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
} {
  return {
    header: decodeProtectedHeader(token.trim()) as Record<string, unknown>,
    claims: decodeJwt(token.trim()) as Record<string, unknown>,
  };
}
