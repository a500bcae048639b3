/**
 * The vocabulary of the policy engine: rules, the resources they read, and what an evaluation finds.
 */
import { TerraformBlock, TerraformDocument } from "../terraform-json/blocks";

/** `error` fails synthesis unless suppressed; `warning` is reported and never fails it. */
export type Severity = "error" | "warning";

/** Where a rule comes from: a public rule set it mirrors, or this project. */
export type RuleSource = "Checkov" | "Trivy" | "AKSWI";

/** A documented exception: findings of rule `id` are accepted, for `reason`. */
export interface Suppression {
  /** Id of the rule, e.g. `CKV_AZURE_141` or `AKSWI_007`. */
  readonly id: string;
  /** Why the exception is acceptable, in a sentence; required and non-empty. */
  readonly reason: string;
}

/** A managed resource of the synthesized configuration (data sources are not ours to configure), as lib/terraform-json reads it. */
export type TerraformResource = TerraformBlock;

/** Every resource and data source of a synthesized stack, for rules that follow references. */
export type { TerraformDocument };

/**
 * The outcome of one rule on one resource. `found` says what broke it (`sku_tier is absent`), or, for
 * `unknown`, which value the outcome turns on that only Terraform can evaluate (`sku_tier is "${var.tier}"`).
 */
export type Verdict =
  | { readonly outcome: "pass" }
  | { readonly outcome: "fail"; readonly found: string }
  | { readonly outcome: "unknown"; readonly found: string };

/** Where a mirrored rule is defined in its peer's repository, at the commit this project matched it against. */
export interface PeerSource {
  /** `owner/name` on GitHub. */
  readonly repository: string;
  readonly commit: string;
  readonly path: string;
}

export interface PolicyRule {
  /** The public id mirrored (e.g. `CKV_AZURE_141`, `AZU-0016`) or ours (`AKSWI_001`). */
  readonly id: string;
  readonly source: RuleSource;
  /** Further public ids this rule stands for, checking the same thing. */
  readonly covers?: readonly string[];
  /** The peer's definition of the rule, for public rules (help links, and the peer test cases it is held to). */
  readonly peer?: PeerSource;
  /** The requirement, phrased so that it reads as both a check and a failure: "… must …". */
  readonly title: string;
  /** Resource types checked. */
  readonly resourceTypes: readonly string[];
  /** Attributes checked, comma-separated, in azurerm 4.x / kubernetes 2.x names (nested blocks dotted). */
  readonly attribute: string;
  readonly severity: Severity;
  /** What to change to comply. */
  readonly fix: string;
  /** Why the rule matters, for help/policy.md. */
  readonly rationale: string;
  check(resource: TerraformResource, document: TerraformDocument): Verdict;
}

/** A rule that failed on a resource. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  /** Construct path of the resource. */
  readonly path: string;
  /** Terraform address of the resource. */
  readonly address: string;
  readonly title: string;
  readonly fix: string;
  /** What was found instead of what the rule requires. */
  readonly found: string;
  /** `<id> <construct path>: <title> — <fix>`. */
  readonly message: string;
}

/** A failure, or an unknown outcome, accepted by a suppression. */
export interface SuppressedFinding extends Finding {
  readonly reason: string;
  /** `unknown` when the check could not be decided before Terraform evaluates `found`. */
  readonly outcome: "failed" | "unknown";
}

/** A rule that held on a resource. */
export interface PassedCheck {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly path: string;
  readonly address: string;
  readonly title: string;
}

export interface PolicyResult {
  /** Failures not suppressed: errors fail synthesis, warnings are reported. */
  readonly findings: readonly Finding[];
  /**
   * Checks whose outcome turns on a value only Terraform knows (an expression it evaluates at plan or
   * apply), not suppressed: they fail neither synthesis nor the report, and are listed apart.
   */
  readonly unknown: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
  readonly passed: readonly PassedCheck[];
  /** Suppressions that matched no failure: candidates for removal. */
  readonly unusedSuppressions: readonly Suppression[];
}

/** How a rule fared on a whole stack. */
export type RuleOutcome = "passed" | "failed" | "unknown" | "suppressed" | "not applicable";
