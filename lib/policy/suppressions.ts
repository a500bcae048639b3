import { ConfigError, ConfigProblem } from "../private/problems";
import { RULES, ruleCovering } from "./rules";
import { PolicyRule, Suppression } from "./types";

/** The configuration path of the suppression list, for problems. */
export const SUPPRESSIONS_PATH = "policy.suppressions";

export interface ValidateSuppressionsOptions {
  /** Where the list sits in the configuration. @default "policy.suppressions" */
  readonly path?: string;
  /** Rules whose ids may be suppressed. @default RULES */
  readonly rules?: readonly PolicyRule[];
}

/**
 * Every problem with a suppression list: each entry needs the id of a known rule, listed once, and a
 * non-empty reason, because an exception nobody can explain is a finding nobody looked at.
 */
export function validateSuppressions(suppressions: unknown, options: ValidateSuppressionsOptions = {}): ConfigProblem[] {
  const at = options.path ?? SUPPRESSIONS_PATH;
  if (!Array.isArray(suppressions)) {
    return [{ path: at, value: suppressions, problem: "is not a list", fix: "write a list of { id, reason } entries, or [] to suppress nothing" }];
  }
  const problems: ConfigProblem[] = [];
  suppressions.forEach((entry: unknown, i) => {
    const here = `${at}[${i}]`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      problems.push({ path: here, value: entry, problem: "is not an object", fix: "write { id: <rule id>, reason: <why the exception is acceptable> }" });
      return;
    }
    const { id, reason } = entry as { id?: unknown; reason?: unknown };
    if (typeof id !== "string" || id.trim() === "") {
      problems.push({ path: `${here}.id`, value: id, problem: "is required: the id of the rule to suppress", fix: "name a rule listed in help/policy.md, e.g. CKV_AZURE_141" });
    }
    if (typeof reason !== "string" || reason.trim() === "") {
      problems.push({
        path: `${here}.reason`,
        value: reason,
        problem: "is required and must not be empty: every exception says why it is acceptable",
        fix: "write one sentence on what is deliberately omitted and why, or remove the suppression",
      });
    }
  });
  return [...problems, ...suppressionIdProblems(suppressions, options)].sort((a, b) => comparePaths(a.path, b.path));
}

/**
 * The problems no per-field schema can see: an id that names no rule (or a public id another rule
 * covers), and a rule suppressed twice. Entries without a string id are skipped, for the schema to report.
 */
export function suppressionIdProblems(suppressions: readonly unknown[], options: ValidateSuppressionsOptions = {}): ConfigProblem[] {
  const at = options.path ?? SUPPRESSIONS_PATH;
  const rules = options.rules ?? RULES;
  const known = new Set(rules.map((rule) => rule.id));
  const first = new Map<string, number>();
  const problems: ConfigProblem[] = [];
  suppressions.forEach((entry, i) => {
    const id = (entry as { id?: unknown } | null)?.id;
    if (typeof id !== "string" || id.trim() === "") return;
    const here = `${at}[${i}].id`;
    if (!known.has(id)) {
      const covering = ruleCovering(id, rules);
      problems.push(
        covering
          ? { path: here, value: id, problem: `is checked by rule ${covering.id}`, fix: `suppress ${covering.id} instead` }
          : { path: here, value: id, problem: "is not the id of a rule", fix: `use one of ${[...known].join(", ")}` },
      );
    } else if (first.has(id)) {
      problems.push({ path: here, value: id, problem: `suppresses the same rule as ${at}[${first.get(id)}]`, fix: "list each rule once, with one reason" });
    } else {
      first.set(id, i);
    }
  });
  return problems;
}

/** Orders `a[2].id` before `a[10].id`, and an entry's id before its reason. */
function comparePaths(a: string, b: string): number {
  const index = (p: string) => Number(/\[(\d+)\](?:\.\w+)?$/.exec(p)?.[1] ?? -1);
  return index(a) - index(b) || Number(a.endsWith(".reason")) - Number(b.endsWith(".reason"));
}

/**
 * The list, typed, once it is valid.
 * @throws ConfigError listing every problem
 */
export function checkedSuppressions(suppressions: unknown, options: ValidateSuppressionsOptions = {}): readonly Suppression[] {
  const problems = validateSuppressions(suppressions, options);
  if (problems.length > 0) throw new ConfigError(problems);
  return suppressions as readonly Suppression[];
}
