import { RULES } from "./rules";
import { checkedSuppressions } from "./suppressions";
import { readDocument } from "../terraform-json/blocks";
import { Finding, PassedCheck, PolicyResult, PolicyRule, RuleOutcome, SuppressedFinding, Suppression, TerraformResource } from "./types";

/** `<id> <construct path>: <title> — <fix>`: what failed, where, and what to do. */
export function findingMessage(rule: PolicyRule, resource: Pick<TerraformResource, "path">): string {
  return `${rule.id} ${resource.path}: ${rule.title} — ${rule.fix}`;
}

/** `<id> <construct path>: <title> — unknown until Terraform evaluates <found>`: a check that cannot be decided yet. */
export function unknownMessage(rule: PolicyRule, resource: Pick<TerraformResource, "path">, found: string): string {
  return `${rule.id} ${resource.path}: ${rule.title} — unknown until Terraform evaluates it (${found})`;
}

/**
 * Evaluates every rule on every managed resource of a synthesized stack (`stack.toTerraform()` or a
 * parsed cdk.tf.json): the rules see what Terraform will see, whichever construct made a resource.
 * @throws ConfigError when a suppression has no reason or names no rule
 */
export function evaluatePolicy(tfJson: unknown, suppressions: readonly Suppression[], rules: readonly PolicyRule[] = RULES): PolicyResult {
  const accepted = new Map(checkedSuppressions(suppressions, { rules }).map((s) => [s.id, s]));
  const document = readDocument(tfJson);
  const findings: Finding[] = [];
  const unknown: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const passed: PassedCheck[] = [];
  const used = new Set<string>();
  for (const rule of rules) {
    for (const resource of document.resources) {
      if (!rule.resourceTypes.includes(resource.type)) continue;
      const verdict = rule.check(resource, document);
      const where = { ruleId: rule.id, severity: rule.severity, path: resource.path, address: resource.address, title: rule.title };
      if (verdict.outcome === "pass") {
        passed.push(where);
        continue;
      }
      const failed = verdict.outcome === "fail";
      const message = failed ? findingMessage(rule, resource) : unknownMessage(rule, resource, verdict.found);
      const finding: Finding = { ...where, fix: rule.fix, found: verdict.found, message };
      const suppression = accepted.get(rule.id);
      if (suppression) {
        // The exception accepts the failure, so it accepts a failure that only apply may reveal.
        used.add(rule.id);
        suppressed.push({ ...finding, reason: suppression.reason, outcome: failed ? "failed" : "unknown" });
      } else {
        (failed ? findings : unknown).push(finding);
      }
    }
  }
  return { findings, unknown, suppressed, passed, unusedSuppressions: [...accepted.values()].filter((s) => !used.has(s.id)) };
}

/** Findings that fail synthesis. */
export function errorsOf(result: PolicyResult): readonly Finding[] {
  return result.findings.filter((f) => f.severity === "error");
}

/**
 * How each rule fared on the whole stack: failed if any resource fails it unsuppressed, else unknown
 * if any check of it waits on Terraform, else suppressed if any failure was accepted, else passed if
 * it checked anything.
 */
export function ruleOutcomes(result: PolicyResult, rules: readonly PolicyRule[] = RULES): ReadonlyMap<string, RuleOutcome> {
  const ids = (list: ReadonlyArray<{ ruleId: string }>) => new Set(list.map((entry) => entry.ruleId));
  const failed = ids(result.findings);
  const unknown = ids(result.unknown);
  const suppressed = ids(result.suppressed);
  const passed = ids(result.passed);
  return new Map(
    rules.map((rule): [string, RuleOutcome] => [
      rule.id,
      failed.has(rule.id) ? "failed" : unknown.has(rule.id) ? "unknown" : suppressed.has(rule.id) ? "suppressed" : passed.has(rule.id) ? "passed" : "not applicable",
    ]),
  );
}

/** Ids of the rules that every checked resource satisfies. */
export function rulesPassed(result: PolicyResult, rules: readonly PolicyRule[] = RULES): string[] {
  return [...ruleOutcomes(result, rules)].filter(([, outcome]) => outcome === "passed").map(([id]) => id);
}
