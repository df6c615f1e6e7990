/**
 * @module tenants/signup_schema
 * The signup form's schema: used by the API, the page and the browser-side form alike.
 */
import { z } from "zod";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../auth/password.ts";
import { DEFAULT_TIME_ZONE, isTimeZone } from "../domain/clock.ts";
import { ADDRESS_IN_NAME_MESSAGE, namesAnAddress } from "../domain/names.ts";

/** Subdomains a tenant can never take: our own hosts and names that invite phishing. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  "www",
  "api",
  "admin",
  "app",
  "apps",
  "auth",
  "login",
  "logout",
  "signup",
  "register",
  "account",
  "accounts",
  "billing",
  "help",
  "support",
  "status",
  "docs",
  "blog",
  "mail",
  "email",
  "smtp",
  "ftp",
  "static",
  "assets",
  "cdn",
  "dev",
  "staging",
  "test",
  "demo-admin",
  "root",
  "system",
  "operator",
  "ops",
  "internal",
  "dashboard",
  "console",
  "webhooks",
  "stripe",
  "security",
  "projectmeats",
  "meats",
  "localhost",
]);

export const SlugSchema = z.string().trim().toLowerCase()
  .min(3, "Use at least 3 characters.")
  .max(40, "Use at most 40 characters.")
  .regex(
    /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
    "Use lower-case letters, digits and hyphens; start and end with a letter or digit.",
  )
  .refine((s) => !s.includes("--"), "Do not use two hyphens in a row.")
  .refine((s) => !RESERVED_SLUGS.has(s), "This address is reserved. Choose another.");

export const EmailSchema = z.string().trim().toLowerCase().max(254).email(
  "Enter a valid e-mail address.",
);

export const TimeZoneSchema = z.string().trim().max(64).refine(
  isTimeZone,
  "Choose a time zone such as America/Chicago.",
);

export const SignupSchema = z.object({
  // Both names are put into the mail the workspace sends (invitations): no addresses in them.
  company_name: z.string().trim().min(2, "Enter your company name.").max(120)
    .refine((s) => !namesAnAddress(s), ADDRESS_IN_NAME_MESSAGE),
  slug: SlugSchema,
  owner_name: z.string().trim().min(1, "Enter your name.").max(120)
    .refine((s) => !namesAnAddress(s), "A name cannot contain a web or e-mail address."),
  email: EmailSchema,
  password: z.string().min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
    .max(PASSWORD_MAX_LENGTH),
  /** The company's time zone: its "today" for due dates and aging. */
  time_zone: TimeZoneSchema.default(DEFAULT_TIME_ZONE),
});

export type SignupInput = z.infer<typeof SignupSchema>;
