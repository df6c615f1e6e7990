/**
 * @module tests/helpers/second_factor
 * Two-step sign-in for tests: enrol an authenticator app for a user (through auth/, as the
 * profile page does), compute its codes by the server's clock, and sign in through both steps.
 */
import { Secret, TOTP } from "otpauth";
import { startTotpEnrolment } from "../../auth/totp.ts";
import { confirmSecondFactor } from "../../auth/second_factor_enrolment.ts";
import { CookieJar } from "./http.ts";
import type { Session } from "./members.ts";
import type { TestServer } from "./server.ts";

export interface Authenticator {
  secret: string;
  recoveryCodes: string[];
  /** A fresh code: the step after the last one given, within the one-step drift allowed. */
  next(): string;
}

/** The code of `secret` at a 30-second step. */
export function codeAt(secret: string, step: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: step * 30_000 });
}

/** The current step of the server's clock. */
export function stepNow(server: TestServer): number {
  return Math.floor(server.services.clock.now().getTime() / 30_000);
}

/** An authenticator app whose codes are never replays (each one a step after the last). */
export function authenticator(server: TestServer, secret: string, codes: string[] = []) {
  let last = stepNow(server) - 2;
  return {
    secret,
    recoveryCodes: codes,
    next() {
      const step = Math.max(stepNow(server) - 1, last + 1);
      if (step > stepNow(server) + 1) throw new Error("no fresh code left: advance the clock");
      last = step;
      return codeAt(secret, step);
    },
  } satisfies Authenticator;
}

/** Enrols and confirms an authenticator app for a user; returns it with the recovery codes. */
export async function enrolTotp(
  server: TestServer,
  user: { userId: string; email: string },
): Promise<Authenticator> {
  const { secret } = await startTotpEnrolment(server.services, {
    id: user.userId,
    email: user.email,
  });
  const app = authenticator(server, secret);
  app.recoveryCodes = await confirmSecondFactor(server.services, user.userId, app.next());
  return app;
}

/** Signs in through POST /api/v1/auth/login and its second step; throws unless both succeed. */
export async function signInTwoStep(
  server: TestServer,
  host: string,
  user: { email: string; password: string },
  code: string,
): Promise<Session & { cookie: string }> {
  const first = await server.fetch(host, "/api/v1/auth/login", {
    method: "POST",
    json: { email: user.email, password: user.password },
  });
  if (first.status !== 202) throw new Error(`first step: ${first.status} ${await first.text()}`);
  const { challenge } = await first.json();
  const res = await server.fetch(host, "/api/v1/auth/login/second-factor", {
    method: "POST",
    json: { challenge, code },
  });
  if (res.status !== 200) throw new Error(`second step: ${res.status} ${await res.text()}`);
  const jar = new CookieJar();
  jar.store(host, res);
  const body = await res.json();
  return {
    host,
    jar,
    csrf: body.csrf_token,
    userId: body.user.id,
    email: user.email,
    password: user.password,
    cookie: jar.header(host),
  };
}

/** A form-filling client for one host: keeps cookies and the CSRF token of the last page. */
export class Browser {
  jar = new CookieJar();
  csrf = "";
  constructor(readonly server: TestServer, readonly host: string) {}

  /** GETs a page (no redirects followed); remembers its cookies and CSRF token. */
  async get(path: string): Promise<{ status: number; location: string | null; html: string }> {
    const res = await this.server.fetch(this.host, path, {
      headers: { cookie: this.jar.header(this.host) },
    });
    return await this.#read(res);
  }

  /** POSTs a form with the CSRF token of the last page read. */
  async post(
    path: string,
    fields: Record<string, string> = {},
  ): Promise<{ status: number; location: string | null; html: string }> {
    const body = new URLSearchParams({ _csrf: this.csrf, ...fields }).toString();
    const res = await this.server.fetch(this.host, path, {
      method: "POST",
      headers: {
        cookie: this.jar.header(this.host),
        "content-type": "application/x-www-form-urlencoded",
      },
      body,
    });
    return await this.#read(res);
  }

  /** Signs in with the login form (the first step only). */
  async logIn(email: string, password: string) {
    await this.get("/login");
    return await this.post("/login", { email, password });
  }

  async #read(res: Response) {
    this.jar.store(this.host, res);
    const html = await res.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (csrf) this.csrf = csrf;
    return { status: res.status, location: res.headers.get("location"), html };
  }
}
