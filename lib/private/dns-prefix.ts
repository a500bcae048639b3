import { RANDOM_SUFFIX_LENGTH } from "./name-template";

/** AKS accepts DNS prefixes of 1 to 54 characters. */
export const DNS_PREFIX_MAX_LENGTH = 54;

/**
 * Derives a valid AKS DNS prefix template from a cluster name template: lowercase, characters
 * other than letters, digits and hyphens become hyphens, at most 54 characters once `{suffix}`
 * is expanded (counted as `suffixLength`), and no hyphen at either end. When too long, literal
 * text is cut, never the suffix, which is what keeps prefixes of similar clusters apart.
 */
export function deriveDnsPrefix(nameTemplate: string, suffixLength = RANDOM_SUFFIX_LENGTH): string {
  const literals = nameTemplate.split("{suffix}").map((part) => part.toLowerCase().replace(/[^a-z0-9-]/g, "-"));
  const suffixes = literals.length - 1;
  let excess = literals.join("").length + suffixes * suffixLength - DNS_PREFIX_MAX_LENGTH;
  // Cut from the end of the longest literal first, so a short lead such as "aks-" survives.
  while (excess > 0) {
    const longest = literals.reduce((best, part, i) => (part.length > literals[best].length ? i : best), 0);
    if (literals[longest].length === 0) break;
    const cut = Math.min(excess, literals[longest].length);
    literals[longest] = literals[longest].slice(0, literals[longest].length - cut);
    excess -= cut;
  }
  // Only when the suffixes alone are too long: keep as many of them as fit.
  let joined = literals[0];
  for (let i = 1; i < literals.length; i++) {
    const keep = excess <= 0 || i * suffixLength <= DNS_PREFIX_MAX_LENGTH;
    joined += (keep ? "{suffix}" : "") + literals[i];
  }
  return joined.replace(/^-+/, "").replace(/-+$/, "");
}
