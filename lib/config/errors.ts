import { visible } from "../private/visible-text";

/** Where a configuration value came from. */
export type Source =
  | { readonly kind: "default" }
  | { readonly kind: "derived"; readonly from: string }
  | { readonly kind: "file"; readonly file: string }
  | { readonly kind: "env"; readonly variable: string };

/** One thing wrong with the configuration: where, what was given, the rule broken, and the fix. */
export interface ConfigProblem {
  /** Config path, e.g. `workloads[0].namespace`, or the environment variable for file errors. */
  readonly path: string;
  /** What breaks the rule, e.g. `is 26 characters long; it must be 3-24`. */
  readonly problem: string;
  /** How to make it right. */
  readonly fix: string;
  /** The rule broken, in one line, when it is a naming rule. */
  readonly rule?: string;
  /** The value given, when there was one. */
  readonly value?: unknown;
  /** Where the value came from, when not the configuration file. */
  readonly source?: Source;
}

export function formatSource(source: Source): string {
  switch (source.kind) {
    case "default":
      return "default";
    case "derived":
      return `derived from ${source.from}`;
    case "file":
      return `file ${source.file}`;
    case "env":
      return `environment variable ${source.variable}`;
  }
}

/**
 * `path: problem (got "value"); fix (rule: ...)`, naming an environment variable when the value
 * came from one.
 */
export function formatProblem(p: ConfigProblem): string {
  const from = p.source?.kind === "env" ? ` (from environment variable ${p.source.variable})` : "";
  const got = p.value === undefined ? "" : ` (got ${describeValue(p.value)})`;
  const rule = p.rule === undefined ? "" : ` (rule: ${p.rule})`;
  // One line whatever the file held: a key may contain a newline, an escape sequence or a bidi control.
  return visible(`${p.path}${from}: ${p.problem}${got}; ${p.fix}${rule}`);
}

function describeValue(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // A YAML alias can make a value contain itself.
    return Array.isArray(value) ? "a list that contains itself" : "an object that contains itself";
  }
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Thrown when the configuration cannot be used; lists every problem found, not just the first. */
export class ConfigError extends Error {
  public readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`Invalid configuration (${count}):\n${problems.map((p) => `  - ${formatProblem(p)}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}
