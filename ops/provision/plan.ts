/**
 * @module ops/provision/plan
 * The engine of `deno task provision`: an environment is a list of resources, each able to say
 * whether it exists, create itself and remove itself through its service's API. `planOf` asks
 * each one (read-only); `apply` creates what is missing in order and, when a step fails, removes
 * what this run created, newest first, so a failed apply leaves the account as it found it;
 * `destroy` removes what exists, in reverse order. Running apply twice creates nothing the second
 * time: every resource is looked up by its name before anything is created.
 */

/** One thing in a cloud account that the environment needs. */
export interface Resource {
  /** Kind and name, e.g. `fly volume pm_data (ord)`. */
  readonly label: string;
  /** Whether it exists now. */
  exists(): Promise<boolean>;
  create(): Promise<void>;
  remove(): Promise<void>;
}

/** What apply would do to one resource. */
export interface PlannedStep {
  resource: Resource;
  action: "create" | "keep";
}

/** Looks every resource up; changes nothing. */
export async function planOf(resources: Resource[]): Promise<PlannedStep[]> {
  const steps: PlannedStep[] = [];
  for (const resource of resources) {
    steps.push({ resource, action: (await resource.exists()) ? "keep" : "create" });
  }
  return steps;
}

/** A plan as lines: `+ create ...` and `= keep ...`. */
export function describePlan(steps: PlannedStep[]): string[] {
  return steps.map((s) => `${s.action === "create" ? "+ create" : "= keep  "} ${s.resource.label}`);
}

/** Why an apply failed, and what its rollback could not remove. */
export class ApplyError extends Error {
  constructor(
    readonly failed: string,
    readonly reason: unknown,
    readonly rolledBack: string[],
    readonly leftBehind: string[],
  ) {
    super(
      `Creating ${failed} failed: ${reason instanceof Error ? reason.message : reason}. ` +
        (leftBehind.length
          ? `Rolled back ${rolledBack.length}; could NOT remove: ${leftBehind.join(", ")}.`
          : `Rolled back everything this run created (${rolledBack.length}).`),
    );
    this.name = "ApplyError";
  }
}

/** Creates the plan's missing resources in order; on a failure, removes them again. */
export async function apply(
  steps: PlannedStep[],
  onStep: (line: string) => void = () => {},
): Promise<string[]> {
  const created: Resource[] = [];
  for (const step of steps) {
    if (step.action === "keep") continue;
    try {
      await step.resource.create();
      created.push(step.resource);
      onStep(`created ${step.resource.label}`);
    } catch (err) {
      const rolledBack: string[] = [];
      const leftBehind: string[] = [];
      for (const resource of created.reverse()) {
        try {
          await resource.remove();
          rolledBack.push(resource.label);
          onStep(`rolled back ${resource.label}`);
        } catch {
          leftBehind.push(resource.label);
        }
      }
      throw new ApplyError(step.resource.label, err, rolledBack, leftBehind);
    }
  }
  return created.map((r) => r.label);
}

/** Removes every resource that exists, last first. */
export async function destroy(
  resources: Resource[],
  onStep: (line: string) => void = () => {},
): Promise<string[]> {
  const removed: string[] = [];
  for (const resource of [...resources].reverse()) {
    if (!(await resource.exists())) continue;
    await resource.remove();
    removed.push(resource.label);
    onStep(`removed ${resource.label}`);
  }
  return removed;
}
