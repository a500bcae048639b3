import { createHash } from "crypto";

/**
 * A fingerprint of a resolved configuration, recorded in the synthesized stack (`//.metadata` of
 * cdk.tf.json, which Terraform ignores) so that `npm run policy` and `npm run diagram` can say
 * when the file they read was synthesized from another configuration than the current one. The
 * configuration holds no secret (values come from Terraform variables), and the hash names nothing
 * of the machine: the same configuration gives the same bytes everywhere.
 */

/** Hashed first, so that a change of the canonical form gives new fingerprints instead of false matches. */
const SCHEME = "aks-workload-identity configuration v1";

/** The SHA-256 (64 lowercase hex digits) of the configuration as canonical JSON: keys sorted, lists in order. */
export function configurationFingerprint(config: unknown): string {
  return createHash("sha256").update(`${SCHEME}\n${canonical(config)}`, "utf8").digest("hex");
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** What `TerraformElement.toMetadata` contributes to `//.metadata`. */
export function configurationMetadata(fingerprint: string): Record<string, unknown> {
  return { configuration: { fingerprint } };
}

/** The fingerprint a synthesized stack's JSON records, or undefined. */
export function recordedFingerprint(tfJson: unknown): string | undefined {
  const fingerprint = (tfJson as { "//"?: { metadata?: { configuration?: { fingerprint?: unknown } } } } | null)?.["//"]?.metadata?.configuration?.fingerprint;
  return typeof fingerprint === "string" && /^[0-9a-f]{64}$/.test(fingerprint) ? fingerprint : undefined;
}
