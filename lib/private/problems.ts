import { visible } from "./visible-text";

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
  /** For a problem with the file itself: the absolute path the given name was read as, when it differs. */
  readonly resolved?: string;
}

/** Problems listed in full; the rest are counted. A file can hold a million unknown keys. */
export const MAX_LISTED_PROBLEMS = 50;
/** Longest path shown: a key can be megabytes long. */
const MAX_PATH_CHARS = 120;
/** Longest line a problem makes; past it the line is cut, saying how much was left out. */
const MAX_LINE_CHARS = 1000;

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
  const resolved = p.resolved === undefined ? "" : `, read as ${describeValue(p.resolved, 400)}`;
  const got = p.value === undefined ? "" : ` (got ${describeValue(p.value)}${resolved})`;
  const rule = p.rule === undefined ? "" : ` (rule: ${p.rule})`;
  // One line whatever the file held: a key may contain a newline, an escape sequence or a bidi control.
  return shorten(visible(`${shorten(p.path, MAX_PATH_CHARS)}${from}: ${p.problem}${got}; ${p.fix}${rule}`), MAX_LINE_CHARS);
}

/** `text`, or its start and how many characters were left out, so that a message stays readable. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const kept = max - 40;
  return `${text.slice(0, kept)}... (${text.length - kept} more characters)`;
}

/**
 * The value as JSON, cut at `max` characters. Serialised only as far as shown: through YAML aliases
 * a small file can hold a value that is exponentially large as JSON, or one that contains itself.
 */
function describeValue(value: unknown, max = 80): string {
  let out = "";
  const full = () => out.length > max;
  const ancestors = new Set<object>();
  const emit = (v: unknown): void => {
    if (full()) return;
    if (v === null || typeof v !== "object") {
      const text = typeof v === "string" ? JSON.stringify(v.slice(0, max + 1)) : JSON.stringify(v);
      out += text ?? String(v);
      return;
    }
    if (ancestors.has(v)) throw new ContainsItself();
    ancestors.add(v);
    const isList = Array.isArray(v);
    out += isList ? "[" : "{";
    let first = true;
    for (const [k, item] of isList ? v.entries() : Object.entries(v)) {
      if (full()) break;
      if (!first) out += ",";
      first = false;
      if (!isList) out += `${JSON.stringify(String(k).slice(0, max + 1))}:`;
      emit(item);
    }
    out += isList ? "]" : "}";
    ancestors.delete(v);
  };
  try {
    emit(value);
  } catch (error) {
    if (!(error instanceof ContainsItself)) throw error;
    return Array.isArray(value) ? "a list that contains itself" : "an object that contains itself";
  }
  return out.length > max ? `${out.slice(0, max - 3)}...` : out;
}

class ContainsItself extends Error {}

/** Thrown when the configuration cannot be used; lists every problem found, not just the first. */
export class ConfigError extends Error {
  /** Every problem found (the message lists them, up to a limit). */
  public readonly problems: readonly ConfigProblem[];
  /** Problems found beyond those in `problems`, counted only. */
  public readonly more: number;

  /** @param more problems found but not kept, beyond `problems` */
  constructor(problems: readonly ConfigProblem[], more = 0) {
    const total = problems.length + more;
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
    const rest = total - listed.length;
    const count = total === 1 ? "1 problem" : `${total} problems`;
    const tail = rest > 0 ? `\n  ... and ${rest} more ${rest === 1 ? "problem" : "problems"}; fix these and run again to see the rest` : "";
    super(`Invalid configuration (${count}):\n${listed.map((p) => `  - ${formatProblem(p)}`).join("\n")}${tail}`);
    this.name = "ConfigError";
    this.problems = problems;
    this.more = more;
  }
}
