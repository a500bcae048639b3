import { Annotations, TerraformElement, TerraformStack } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { errorsOf, evaluatePolicy } from "./engine";
import { RULES } from "./rules";
import { policyMetadata } from "./record";
import { checkedSuppressions } from "./suppressions";
import { Finding, PolicyRule, Suppression } from "./types";

export interface ApplyPolicyOptions {
  /** Accepted exceptions, each with its reason. */
  readonly suppressions: readonly Suppression[];
  /**
   * Rules to enforce.
   * @default RULES, every rule of help/policy.md
   */
  readonly rules?: readonly PolicyRule[];
  /**
   * Renders the stack's Terraform JSON for the check; a stack can remember the result to hand it
   * to synthesis instead of rendering twice.
   * @default - `stack.toTerraform()`
   */
  readonly render?: () => Record<string, unknown>;
}

/** Construct id of the element that records the suppressions in the synthesized JSON. */
export const POLICY_RECORD_ID = "Policy";

/** Records the suppressions in cdk.tf.json for `npm run policy` (see record.ts). */
class PolicyRecord extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    private readonly suppressions: readonly Suppression[],
  ) {
    super(scope, id);
  }

  public toMetadata(): Record<string, unknown> {
    return policyMetadata(this.suppressions);
  }
}

/**
 * Enforces the policy at synthesis: an error finding that is not suppressed fails synth with
 * `<id> <construct path>: <title> — <fix>`; a warning, and a check that turns on a value only
 * Terraform knows, becomes a cdktf warning on the resource's construct. The rules read the
 * synthesized JSON, so they hold whichever construct made a resource.
 * @throws ConfigError at once when a suppression has no reason or names no rule
 */
export function applyPolicy(stack: TerraformStack, options: ApplyPolicyOptions): void {
  const rules = options.rules ?? RULES;
  const suppressions = checkedSuppressions(options.suppressions, { rules });
  new PolicyRecord(stack, POLICY_RECORD_ID, suppressions);
  // Validations may run more than once (each Testing.synth does); a warning is worth saying once.
  const warned = new Set<string>();
  stack.node.addValidation({
    validate: () => {
      const result = evaluatePolicy(options.render ? options.render() : stack.toTerraform(), suppressions, rules);
      const notes = [...result.findings.filter((f) => f.severity === "warning"), ...result.unknown];
      warn(stack, notes.filter((f) => !warned.has(f.message)), warned);
      return errorsOf(result).map((f) => f.message);
    },
  });
}

function warn(stack: TerraformStack, warnings: readonly Finding[], warned: Set<string>): void {
  if (warnings.length === 0) return;
  const byPath = new Map<string, IConstruct>(stack.node.findAll().map((c) => [c.node.path, c]));
  for (const finding of warnings) {
    Annotations.of(byPath.get(finding.path) ?? stack).addWarning(finding.message);
    warned.add(finding.message);
  }
}
