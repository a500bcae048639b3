import { Sleep } from "@cdktf/provider-time/lib/sleep";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

/**
 * What to depend on so that `after` exists and has had `seconds` to propagate: a `time_sleep`
 * after them, or, for 0 seconds, `after` itself. `triggers` restart the wait when what it waits
 * for is replaced (a new role assignment propagates anew).
 */
export function propagationWait(
  scope: Construct,
  id: string,
  seconds: number,
  after: readonly ITerraformDependable[],
  triggers?: Record<string, string>,
): ITerraformDependable[] {
  if (seconds <= 0 || after.length === 0) return [...after];
  return [new Sleep(scope, id, { createDuration: `${seconds}s`, dependsOn: [...after], triggers })];
}
