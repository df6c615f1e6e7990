/**
 * @module ops/doctor_cli
 * `deno task doctor [--fly fly.toml]`: checks the settings of this process's environment and, with
 * `--fly`, every process group of a Fly deployment, and prints what cannot work. Run it where the
 * secrets are (`fly ssh console -C "./scripts/deno task doctor --fly fly.toml"`) or locally with
 * them exported. Exits 1 when anything would break, 0 otherwise (warnings included).
 */
import { checkDeployment, deploymentFromEnv, deploymentFromFlyToml } from "./doctor.ts";

function main(args: string[]): number {
  const flyAt = args.indexOf("--fly");
  const env = Deno.env.toObject();
  let deployment;
  try {
    deployment = flyAt >= 0
      ? deploymentFromFlyToml(Deno.readTextFileSync(args[flyAt + 1] ?? "fly.toml"), env)
      : deploymentFromEnv(env);
  } catch (err) {
    console.error((err as Error).message);
    return 1;
  }
  const findings = checkDeployment(deployment);
  const groups = deployment.groups.map((g) => g.name).join(", ");
  console.log(
    `Checked ${groups}; ${
      deployment.multiMachine ? `several machines (${deployment.multiMachine})` : "one machine"
    }.`,
  );
  for (const f of findings) {
    console.log(`${f.level === "error" ? "ERROR" : "warning"} ${f.setting}: ${f.message}`);
  }
  const errors = findings.filter((f) => f.level === "error").length;
  console.log(
    errors ? `${errors} problem(s) to fix before this can run.` : "Nothing blocks this setup.",
  );
  return errors ? 1 : 0;
}

Deno.exit(main(Deno.args));
