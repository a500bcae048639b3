import { ConfigProblem, formatProblem } from "./private/problems";

/**
 * Thrown by a construct whose props break a rule Azure or Kubernetes would enforce only at apply.
 * Lists every problem found in the props, not just the first, each as the configuration layer
 * prints it (`path: problem (got value); fix (rule: ...)`), with the construct's path and the prop
 * as the path, e.g. `stack/KeyVault.name`.
 */
export class InvalidPropsError extends Error {
  /** Every problem found, in the order the props were checked. */
  public readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`Invalid construct props (${count}):\n${problems.map((p) => `  - ${formatProblem(p)}`).join("\n")}`);
    this.name = "InvalidPropsError";
    this.problems = problems;
  }
}
