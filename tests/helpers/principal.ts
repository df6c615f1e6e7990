/**
 * @module tests/helpers/principal
 * A resolved credential as the principal cache keeps it, for tests of that cache and of what clears
 * it (auth/principal_cache.ts).
 */
import type { CachedPrincipal } from "../../auth/principal_cache.ts";

export const PRINCIPAL: CachedPrincipal = {
  userId: "u1",
  email: "a@example.com",
  name: "A",
  emailVerified: true,
  secondFactor: false,
  mustEnrolSecondFactor: false,
  role: "owner",
  csrfToken: "csrf",
};
