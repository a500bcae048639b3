import { AKS_RULES } from "./aks-rules";
import { KEY_VAULT_RULES } from "./key-vault-rules";
import { PolicyRule } from "./types";
import { WORKLOAD_IDENTITY_RULES } from "./workload-identity-rules";

/** Every rule, in the order help/policy.md and the report list them. */
export const RULES: readonly PolicyRule[] = [...AKS_RULES, ...KEY_VAULT_RULES, ...WORKLOAD_IDENTITY_RULES];

/** The rule that also stands for the public id `id` (e.g. CKV_AZURE_115 is checked by CKV_AZURE_6). */
export function ruleCovering(id: string, rules: readonly PolicyRule[] = RULES): PolicyRule | undefined {
  return rules.find((rule) => rule.covers?.includes(id));
}
