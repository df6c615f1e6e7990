/**
 * @module tests/helpers/traced_server
 * Run by http/trace_test.ts in a child process with OTEL_DENO=true: starts the app, signs up a
 * tenant, asks for one record that does not exist and waits to be stopped, so the traces are
 * exported to the test's OTLP receiver. Prints the tenant's slug.
 */
import { signUpTenant, startTestServer } from "./server.ts";

const server = await startTestServer();
const tenant = await signUpTenant(server);
const res = await server.fetch(tenant.host, "/api/v1/customers/nope", {
  headers: { cookie: tenant.jar.header(tenant.host) },
});
await res.body?.cancel();
console.log(JSON.stringify({ slug: tenant.slug, status: res.status }));
// Stays up until the test has the spans and stops it (SIGTERM).
Deno.addSignalListener("SIGTERM", async () => {
  await server.close();
  Deno.exit(0);
});
