import { RANDOM_SUFFIX_LENGTH } from "./name-template";

/** AKS accepts DNS prefixes of 1 to 54 characters. */
export const DNS_PREFIX_MAX_LENGTH = 54;

/**
 * Derives a valid AKS DNS prefix template from a cluster name template: lowercase, characters
 * other than letters, digits and hyphens become hyphens, at most 54 characters once `{suffix}`
 * is expanded (counted as `suffixLength`), and no hyphen at either end.
 */
export function deriveDnsPrefix(nameTemplate: string, suffixLength = RANDOM_SUFFIX_LENGTH): string {
  const parts = nameTemplate.split("{suffix}").map((part) => part.toLowerCase().replace(/[^a-z0-9-]/g, "-"));
  let budget = DNS_PREFIX_MAX_LENGTH;
  const kept: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const literal = parts[i].slice(0, Math.max(0, budget));
    budget -= literal.length;
    kept.push(literal);
    const isLast = i === parts.length - 1;
    if (!isLast) {
      if (budget < suffixLength) break;
      kept.push("{suffix}");
      budget -= suffixLength;
    }
  }
  return kept.join("").replace(/^-+/, "").replace(/-+$/, "");
}
