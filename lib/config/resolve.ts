import { PLACEHOLDERS, RANDOM_SUFFIX_STAND_IN, renderName, unknownPlaceholders } from "../private/name-template";
import { crossFieldProblems } from "./cross-checks";
import { overlayEnvironment } from "./env";
import { ConfigError, ConfigProblem, MAX_LISTED_PROBLEMS, shorten, Source } from "./errors";
import type { BooleanField, Field, Infer, IntegerField, ListField, ObjectField, StringField } from "./fields";
import { isPlainObject, joinPath } from "./paths";
import { LITERAL_TEXT, RULES } from "./rules";
import { SCHEMA } from "./schema";
import { closestKey } from "./suggest";
import type { AppConfig } from "./types";

/**
 * Resolution: the defaults, overlaid by the file, overlaid by the environment (env.ts), each value
 * checked against its own rule and recorded with its source; then the rules that span keys
 * (cross-checks.ts). All problems are collected and thrown at once.
 */

/** One resolved leaf value and where it came from. */
export interface ResolvedValue {
  /** The key's path in the configuration, e.g. `keyVault.name`. */
  readonly path: string;
  /** The value as resolved, as it stands in `config`. */
  readonly value: string | number | boolean;
  /** Where it came from: the default, the file, or an environment variable. */
  readonly source: Source;
}

/** A configuration resolved and validated: what `AksWorkloadIdentityStack` takes, and where each value came from. */
export interface LoadedConfig {
  /** The configuration, every default applied. */
  readonly config: AppConfig;
  /** Every leaf of `config` in schema order, with its source. */
  readonly values: readonly ResolvedValue[];
}

/** Where the values `resolveConfig` resolves may come from besides the raw object. */
export interface ResolveConfigOptions {
  /** The article's environment variables (`LOCATION`, `KEYVAULT_NAME`, …), which override the raw values. @default - none */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How to name the file the raw values came from, in sources. @default - values are reported as from "inline" */
  readonly file?: string;
}

/** Applies defaults and environment overrides to `raw` and validates the result. */
export function resolveConfig(raw: unknown, options: ResolveConfigOptions = {}): LoadedConfig {
  const { input, sources } = overlayEnvironment(raw, options.env ?? {});
  const walker = new Walker(options.file ?? "inline", sources, knownGoodSuffix(input));
  const config = walker.resolve(SCHEMA, input);
  if (config !== undefined) crossFieldProblems(config, walker.suffix).forEach((p) => walker.report(p));
  if (walker.found > 0 || config === undefined) throw new ConfigError(walker.problems, walker.found - walker.problems.length);
  return { config, values: walker.values };
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}

/** The fixed suffix if it is valid, so names are checked with it; otherwise names are checked with the random stand-in. */
function knownGoodSuffix(input: unknown): string | undefined {
  const suffix = isPlainObject(input) ? input.suffix : undefined;
  return typeof suffix === "string" && RULES.suffix.problem(suffix) === undefined ? suffix : undefined;
}

/** Problems kept in full: the ones listed. The rest are counted. */
const KEPT_PROBLEMS = MAX_LISTED_PROBLEMS;
/** Longest key shown in a path: a file may hold a key of megabytes. */
const MAX_KEY_CHARS = 60;

class Walker {
  public readonly problems: ConfigProblem[] = [];
  /** Every problem found, kept or only counted. */
  public found = 0;
  public readonly values: ResolvedValue[] = [];
  private readonly fileSource: Source;

  /**
   * @param sources where values that did not come from the file came from (overlayEnvironment)
   * @param suffix the fixed suffix when it is valid: names are checked with it; otherwise with the random stand-in
   */
  constructor(
    file: string,
    private readonly sources: ReadonlyMap<string, Source>,
    public readonly suffix: string | undefined,
  ) {
    this.fileSource = { kind: "file", file };
  }

  /**
   * The configuration `spec` describes, resolved from `raw`: complete when no problem was found;
   * otherwise values that broke their rules are missing (read it as `Unchecked` then). The walk is
   * driven by the schema, so the schema's inferred type is what it builds.
   */
  public resolve<F extends ObjectField>(spec: F, raw: unknown): Infer<F> | undefined {
    return this.object(spec, raw, "") as Infer<F> | undefined;
  }

  public report(problem: ConfigProblem): void {
    this.found++;
    if (this.problems.length >= KEPT_PROBLEMS) return;
    const source = this.sources.get(problem.path);
    this.problems.push(source && source.kind !== "default" ? { ...problem, source } : problem);
  }

  private sourceOf(at: string): Source {
    return this.sources.get(at) ?? this.fileSource;
  }

  private object(spec: ObjectField, raw: unknown, at: string, fromDefault = false): Record<string, unknown> | undefined {
    if (raw !== undefined && !isPlainObject(raw)) {
      this.report({ path: at || "(root)", value: raw, problem: `must be an object, not ${describeType(raw)}`, fix: "write it as a map of keys" });
      return undefined;
    }
    if (raw === undefined && spec.optional) return undefined;
    const given = raw ?? {};
    const known = Object.keys(spec.fields);
    for (const key of Object.keys(given)) {
      if (Object.hasOwn(spec.fields, key)) continue;
      // Past the problems kept, an unknown key is only counted: no suggestion to compute.
      const suggestion = this.problems.length < KEPT_PROBLEMS ? closestKey(key, known) : undefined;
      this.report({
        path: joinPath(at, shorten(key, MAX_KEY_CHARS)),
        problem: "is not a known key",
        fix: suggestion ? `did you mean \`${suggestion}\`?` : `remove it; known keys here: ${known.join(", ")}`,
      });
    }
    const result: Record<string, unknown> = {};
    const derived: Array<[string, StringField]> = [];
    for (const [key, field] of Object.entries(spec.fields)) {
      if (field.kind === "string" && field.derive && given[key] === undefined) {
        derived.push([key, field]);
        continue;
      }
      const value = this.field(field, given[key], joinPath(at, key), fromDefault);
      if (value !== undefined) result[key] = value;
    }
    for (const [key, field] of derived) {
      const childPath = joinPath(at, key);
      // A sibling it needs is invalid and reported already; deriving from it would only repeat that.
      if ((field.needs ?? []).some((sibling) => result[sibling] === undefined)) continue;
      const value = field.derive!({ siblings: result, suffix: this.suffix });
      const from = field.derivedFrom ?? "other keys";
      const reported = this.problems.length;
      const checked = this.checkString(field, value, childPath, { kind: "derived", from });
      if (checked !== undefined) result[key] = checked;
      // The user never wrote this value: say where it came from and that they can set it.
      for (let i = reported; i < this.problems.length; i++) {
        const p = this.problems[i];
        this.problems[i] = { ...p, problem: `${p.problem}, as derived from ${from}`, fix: `set ${childPath} explicitly, or shorten what it is derived from; ${p.fix}` };
      }
    }
    return result;
  }

  private field(field: Field, raw: unknown, at: string, fromDefault: boolean): unknown {
    switch (field.kind) {
      case "object":
        return this.object(field, raw, at, fromDefault);
      case "list":
        return this.list(field, raw, at);
      case "string":
        return this.string(field, raw, at, fromDefault);
      case "integer":
        return this.integer(field, raw, at, fromDefault);
      case "boolean":
        return this.boolean(field, raw, at, fromDefault);
    }
  }

  private list(field: ListField, raw: unknown, at: string): unknown[] | undefined {
    const item = (value: unknown, i: number, fromDefault = false) =>
      field.item.kind === "object" ? this.object(field.item, value, joinPath(at, i), fromDefault) : this.string(field.item, value, joinPath(at, i), fromDefault);
    if (raw === undefined) {
      return field.default?.map((value, i) => item(value, i, true));
    }
    if (!Array.isArray(raw)) {
      const of = field.item.kind === "object" ? "objects" : "strings";
      this.report({ path: at, value: raw, problem: `must be a list, not ${describeType(raw)}`, fix: `write it as a list of ${of}` });
      return undefined;
    }
    if (raw.length < field.minItems || raw.length > field.maxItems) {
      this.report({
        path: at,
        problem: `has ${raw.length} entries; it must have ${field.minItems}-${field.maxItems}`,
        fix: raw.length < field.minItems ? "add an entry, or remove the key for the default" : "split the configuration",
      });
      return undefined;
    }
    return raw.map((value, i) => item(value, i));
  }

  private leafSource(at: string, fromDefault: boolean): Source {
    return fromDefault ? { kind: "default" } : this.sourceOf(at);
  }

  private string(field: StringField, raw: unknown, at: string, fromDefault: boolean): string | undefined {
    if (raw === undefined) {
      if (field.default !== undefined) return this.checkString(field, field.default, at, { kind: "default" });
      if (field.required) {
        this.report({ path: at, problem: "is required", fix: `add it: ${field.doc}` });
      }
      return undefined;
    }
    if (typeof raw !== "string") {
      this.report({ path: at, value: raw, problem: `must be a string, not ${describeType(raw)}`, fix: "quote the value" });
      return undefined;
    }
    return this.checkString(field, raw, at, this.leafSource(at, fromDefault));
  }

  private checkString(field: StringField, given: string, at: string, source: Source): string | undefined {
    const value = field.normalise ? field.normalise(given) : given;
    const problemCount = this.found;
    if (value.trim() === "") {
      const forDefault = source.kind === "env" ? "unset the variable for the default" : "remove the key for the default";
      this.report({ path: at, value: given, problem: "is empty", fix: field.default !== undefined ? `${forDefault}, or give a value` : "give a value" });
      return undefined;
    }
    // The value as given, and as normalised (which removes spaces: "$ {" would become "${").
    const expression = LITERAL_TEXT.problem(given) ?? LITERAL_TEXT.problem(value);
    const unknown = field.template ? unknownPlaceholders(value) : [];
    if (expression) {
      // Checked first, for every string: the naming rules below do not all exclude these sequences.
      this.report({ path: at, value: given, problem: expression, fix: LITERAL_TEXT.fix, rule: LITERAL_TEXT.rule });
    } else if (unknown.length > 0) {
      this.report({
        path: at,
        value: given,
        problem: `uses unknown placeholder${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `{${u}}`).join(", ")}`,
        fix: `use only ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`,
      });
    } else if (field.oneOf && !field.oneOf.includes(value)) {
      this.report({ path: at, value: given, problem: `is not one of ${field.oneOf.join(", ")}`, fix: `use one of ${field.oneOf.join(", ")}` });
    } else if (field.rule) {
      const rule = RULES[field.rule];
      const expanded = field.template ? renderName(value, this.suffix ?? RANDOM_SUFFIX_STAND_IN) : value;
      const problem = rule.problem(expanded);
      if (problem) {
        const counted =
          field.template && value !== expanded
            ? ` (counting {suffix} as ${this.suffix === undefined ? `${RANDOM_SUFFIX_STAND_IN.length} random hex characters` : `"${this.suffix}"`})`
            : "";
        this.report({ path: at, value: given, problem: `${problem}${counted}`, fix: rule.fix, rule: rule.rule });
      }
    }
    if (this.found > problemCount) return undefined;
    this.values.push({ path: at, value, source });
    return value;
  }

  private integer(field: IntegerField, raw: unknown, at: string, fromDefault: boolean): number | undefined {
    if (raw === undefined && field.default === undefined) return undefined;
    const value = raw === undefined ? field.default : raw;
    if (typeof value !== "number" || !Number.isInteger(value)) {
      this.report({ path: at, value: raw, problem: `must be a whole number, not ${describeType(raw)}`, fix: `give a whole number from ${field.min} to ${field.max}` });
      return undefined;
    }
    if (value < field.min || value > field.max) {
      this.report({ path: at, value: raw, problem: `is outside ${field.min}-${field.max}`, fix: `give a whole number from ${field.min} to ${field.max}` });
      return undefined;
    }
    this.values.push({ path: at, value, source: raw === undefined ? { kind: "default" } : this.leafSource(at, fromDefault) });
    return value;
  }

  private boolean(field: BooleanField, raw: unknown, at: string, fromDefault: boolean): boolean | undefined {
    const value = raw === undefined ? field.default : raw;
    if (typeof value !== "boolean") {
      this.report({ path: at, value: raw, problem: `must be true or false, not ${describeType(raw)}`, fix: "write true or false without quotes" });
      return undefined;
    }
    if (field.mustBe && value !== field.mustBe.value) {
      this.report({ path: at, value: raw, problem: `cannot be ${value}: ${field.mustBe.reason}`, fix: field.mustBe.fix });
      return undefined;
    }
    this.values.push({ path: at, value, source: raw === undefined ? { kind: "default" } : this.leafSource(at, fromDefault) });
    return value;
  }
}
