import { checkovCheck, trivyCheck } from "./peers";
import { block, blocks } from "../terraform-json/blocks";
import { isExpression } from "../terraform-json/references";
import { fail, failOrUnknown, pass, requireLiteral, show, unknown } from "./verdicts";
import { PolicyRule } from "./types";

/**
 * Key Vault rules of Checkov and Trivy, on azurerm 4.x's `azurerm_key_vault` and `azurerm_key_vault_secret`.
 * Each gives its peer's verdict on every one of the peer's own test cases that azurerm 4.x can express
 * (__tests__/policy-peers.test.ts); help/policy.md lists where they deliberately differ.
 */

const VAULT = "azurerm_key_vault";
const SECRET = "azurerm_key_vault_secret";

/** Azure's bounds for soft-delete retention. */
const MIN_RETENTION_DAYS = 7;
const MAX_RETENTION_DAYS = 90;

export const KEY_VAULT_RULES: readonly PolicyRule[] = [
  {
    id: "CKV_AZURE_110",
    source: "Checkov",
    covers: ["CKV_AZURE_42"],
    peer: checkovCheck("KeyVaultEnablesPurgeProtection"),
    title: "Key Vault purge protection must be enabled",
    resourceTypes: [VAULT],
    attribute: "purge_protection_enabled",
    severity: "error",
    fix: "set purge_protection_enabled = true (it cannot be turned off again)",
    rationale: "Without it, anyone who can delete the vault can also purge it and its secrets before the retention period ends.",
    check: (r) => requireLiteral(r.body, "purge_protection_enabled", true),
  },
  {
    id: "AZU-0016",
    source: "Trivy",
    peer: trivyCheck("keyvault/no_purge"),
    title: `Key Vault must have purge protection and a soft-delete retention of ${MIN_RETENTION_DAYS}-${MAX_RETENTION_DAYS} days, written out`,
    resourceTypes: [VAULT],
    attribute: "purge_protection_enabled, soft_delete_retention_days",
    severity: "error",
    fix: `set purge_protection_enabled = true and soft_delete_retention_days between ${MIN_RETENTION_DAYS} and ${MAX_RETENTION_DAYS}, even at azurerm's default of 90: Trivy reads an absent retention as 0`,
    rationale: "Deleted secrets must stay recoverable, and unpurgeable, long enough for a mistake or an attack to be noticed.",
    check: (r) => {
      const purge = r.body.purge_protection_enabled;
      if (purge !== true) return failOrUnknown(purge, `purge_protection_enabled is ${show(purge)}`);
      const days = r.body.soft_delete_retention_days;
      if (isExpression(days)) return unknown(`soft_delete_retention_days is ${show(days)}`);
      return typeof days === "number" && days >= MIN_RETENTION_DAYS && days <= MAX_RETENTION_DAYS
        ? pass
        : fail(`soft_delete_retention_days is ${show(days)}${days === undefined ? " (Trivy reads 0)" : ""}`);
    },
  },
  {
    id: "CKV_AZURE_109",
    source: "Checkov",
    peer: checkovCheck("KeyVaultEnablesFirewallRulesSettings"),
    title: "Key Vault network ACLs must deny by default",
    resourceTypes: [VAULT],
    attribute: "network_acls.default_action",
    severity: "error",
    fix: "add network_acls { default_action = \"Deny\", bypass = \"AzureServices\" } with the ip_rules or virtual_network_subnet_ids that need access",
    rationale: "With the default Allow, the vault's data plane is reachable from every network; RBAC is then the only barrier.",
    check: (r) => {
      const action = block(r.body, "network_acls")?.default_action;
      return action === "Deny" ? pass : failOrUnknown(action, `network_acls.default_action is ${show(action)}${action === undefined ? " (Allow)" : ""}`);
    },
  },
  {
    id: "CKV_AZURE_189",
    source: "Checkov",
    peer: checkovCheck("KeyVaultDisablesPublicNetworkAccess"),
    title: "Key Vault public network access must be disabled or narrowed by network ACL rules",
    resourceTypes: [VAULT],
    attribute: "public_network_access_enabled, network_acls.ip_rules, network_acls.virtual_network_subnet_ids",
    severity: "error",
    fix: "set public_network_access_enabled = false and reach the vault through a private endpoint, or list the networks that need it in network_acls.ip_rules or virtual_network_subnet_ids",
    rationale: "A vault without a public endpoint cannot be attacked from the internet at all; ACL rules narrow the endpoint only with default_action Deny (CKV_AZURE_109).",
    check: (r) => {
      const enabled = r.body.public_network_access_enabled;
      if (enabled === false) return pass;
      // As Checkov: rules narrowing the public endpoint count, even with default_action Allow, which CKV_AZURE_109 fails.
      const listed = (value: unknown) => isExpression(value) || (Array.isArray(value) && value.length > 0);
      if (blocks(r.body, "network_acls").some((acl) => listed(acl.ip_rules) || listed(acl.virtual_network_subnet_ids))) return pass;
      return failOrUnknown(enabled, `public_network_access_enabled is ${show(enabled)}${enabled === undefined ? " (true)" : ""} and network_acls lists no ip_rules or virtual_network_subnet_ids`);
    },
  },
  {
    id: "CKV_AZURE_114",
    source: "Checkov",
    peer: checkovCheck("SecretContentType"),
    title: "Key Vault secrets must have a content type",
    resourceTypes: [SECRET],
    attribute: "content_type",
    severity: "error",
    fix: "set content_type, e.g. \"text/plain\" or \"application/x-pem-file\"",
    rationale: "The content type tells readers and rotation tooling how to interpret the value without reading it.",
    check: (r) => {
      const type = r.body.content_type;
      return typeof type === "string" && type !== "" ? pass : fail(`content_type is ${show(type)}`);
    },
  },
  {
    id: "CKV_AZURE_41",
    source: "Checkov",
    peer: checkovCheck("SecretExpirationDate"),
    title: "Key Vault secrets must have an expiration date",
    resourceTypes: [SECRET],
    attribute: "expiration_date",
    severity: "error",
    fix: "set expiration_date (RFC 3339, e.g. \"2026-12-31T00:00:00Z\") and rotate the secret before it",
    rationale: "A secret that never expires is never rotated; a leaked value stays valid forever.",
    check: (r) => {
      const date = r.body.expiration_date;
      return typeof date === "string" && date !== "" ? pass : fail(`expiration_date is ${show(date)}`);
    },
  },
];
