import { Suppression } from "./types";

/**
 * The suppressions a stack was synthesized with travel in its cdk.tf.json, under `//.metadata.policy`
 * (Terraform ignores `//` keys), so a report on the file uses exactly the exceptions synthesis did.
 * Kept free of cdktf so the report command loads nothing but this directory.
 */

/** What `TerraformElement.toMetadata` contributes to `//.metadata`. */
export function policyMetadata(suppressions: readonly Suppression[]): Record<string, unknown> {
  return { policy: { suppressions: suppressions.map(({ id, reason }) => ({ id, reason })) } };
}

/** The suppressions recorded in a synthesized stack's JSON, unvalidated; undefined when none were recorded. */
export function recordedSuppressions(tfJson: unknown): unknown {
  const root = tfJson as { "//"?: { metadata?: { policy?: { suppressions?: unknown } } } } | null;
  return root?.["//"]?.metadata?.policy?.suppressions;
}
