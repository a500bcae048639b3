import type { NameRule } from "../name-rule";

/** A naming rule as a length range and patterns, each with what a value that fails it is told. */
export interface PatternRuleSpec {
  readonly rule: string;
  readonly min: number;
  readonly max: number;
  /**
   * Each pattern with the explanation given when a value does not match it. A first pattern of the
   * form `^[class]+$` also checks, character by character, the parts of a name known at synth.
   */
  readonly patterns: ReadonlyArray<readonly [RegExp, string]>;
  readonly fix: string;
}

/** A rule from a length range and patterns; see `NameRule`. */
export function patternRule(spec: PatternRuleSpec): NameRule {
  const range = spec.min === spec.max ? `${spec.min}` : `${spec.min}-${spec.max}`;
  const characters = characterRule(spec.patterns[0]);
  return {
    rule: spec.rule,
    fix: spec.fix,
    problem(value) {
      // Azure counts UTF-16 code units, as JavaScript's length does.
      const length = value.length;
      if (length < spec.min || length > spec.max) {
        return `is ${length} character${length === 1 ? "" : "s"} long; it must be ${range}`;
      }
      const failed = spec.patterns.find(([pattern]) => !pattern.test(value));
      return failed?.[1];
    },
    knownPartsProblem(parts) {
      // What the parts known only at apply add cannot shorten the name or remove a character.
      const length = parts.reduce((sum, part) => sum + part.length, 0);
      if (length > spec.max) return `is at least ${length} characters long without the parts known only at apply; it must be ${range}`;
      if (characters && parts.some((part) => [...part].some((c) => !characters[0].test(c)))) return characters[1];
      return undefined;
    },
  };
}

/** The single-character test of a whole-value pattern `^[class]+$`, with its explanation. */
function characterRule(pattern: readonly [RegExp, string] | undefined): readonly [RegExp, string] | undefined {
  const match = pattern && /^\^(\[[^\]]*\])\+\$$/.exec(pattern[0].source);
  return match ? [new RegExp(`^${match[1]}$`, pattern[0].flags), pattern[1]] : undefined;
}
