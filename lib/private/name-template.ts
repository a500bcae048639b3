/**
 * Names in the configuration are templates: literal text with `{suffix}` placeholders.
 * The suffix is either a literal the user fixed or the hex of a `random_id` known only at apply.
 */

/** Placeholders a name may contain. */
export const PLACEHOLDERS = ["suffix"] as const;

/** Length of the hex string a `random_id` with byte_length 3 yields. */
export const RANDOM_SUFFIX_LENGTH = 6;

/**
 * Stands in for the random suffix when checking a name. Digits are the worst case for every
 * rule we check: they satisfy character classes but not "starts with a letter".
 */
export const RANDOM_SUFFIX_STAND_IN = "0".repeat(RANDOM_SUFFIX_LENGTH);

const PLACEHOLDER_PATTERN = /\{([^{}]*)\}/g;

/** Placeholders in `template` that are not known, in order of appearance. */
export function unknownPlaceholders(template: string): string[] {
  const known: readonly string[] = PLACEHOLDERS;
  return [...template.matchAll(PLACEHOLDER_PATTERN)].map((m) => m[1]).filter((name) => !known.includes(name));
}

/** True when the template contains `{suffix}`. */
export function usesSuffix(template: string): boolean {
  return template.includes("{suffix}");
}

/** Replaces every `{suffix}` with `suffix` (a literal or a Terraform token string). */
export function renderName(template: string, suffix: string): string {
  return template.split("{suffix}").join(suffix);
}

/** The template with every placeholder removed, e.g. for construct ids. */
export function stripPlaceholders(template: string): string {
  return template.replace(PLACEHOLDER_PATTERN, "");
}
