import { block, fail, isExpression, pass, requireLiteral, show } from "./terraform-json";
import { PolicyRule } from "./types";

/** Key Vault rules of Checkov and Trivy, on azurerm 4.x's `azurerm_key_vault` and `azurerm_key_vault_secret`. */

const VAULT = "azurerm_key_vault";
const SECRET = "azurerm_key_vault_secret";

/** azurerm's soft-delete retention when the argument is absent, and Azure's bounds. */
const DEFAULT_RETENTION_DAYS = 90;
const MIN_RETENTION_DAYS = 7;
const MAX_RETENTION_DAYS = 90;

export const KEY_VAULT_RULES: readonly PolicyRule[] = [
  {
    id: "CKV_AZURE_110",
    source: "Checkov",
    covers: ["CKV_AZURE_42"],
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
    title: `Key Vault soft-delete retention must be ${MIN_RETENTION_DAYS}-${MAX_RETENTION_DAYS} days`,
    resourceTypes: [VAULT],
    attribute: "soft_delete_retention_days",
    severity: "error",
    fix: `remove soft_delete_retention_days (azurerm's default is ${DEFAULT_RETENTION_DAYS}) or set it between ${MIN_RETENTION_DAYS} and ${MAX_RETENTION_DAYS}`,
    rationale: "Deleted secrets must stay recoverable long enough for a mistake or an attack to be noticed.",
    check: (r) => {
      const days = r.body.soft_delete_retention_days;
      if (days === undefined || isExpression(days)) return pass;
      return typeof days === "number" && Number.isInteger(days) && days >= MIN_RETENTION_DAYS && days <= MAX_RETENTION_DAYS
        ? pass
        : fail(`soft_delete_retention_days is ${show(days)}`);
    },
  },
  {
    id: "CKV_AZURE_109",
    source: "Checkov",
    title: "Key Vault network ACLs must deny by default",
    resourceTypes: [VAULT],
    attribute: "network_acls.default_action",
    severity: "error",
    fix: "add network_acls { default_action = \"Deny\", bypass = \"AzureServices\" } with the ip_rules or virtual_network_subnet_ids that need access",
    rationale: "With the default Allow, the vault's data plane is reachable from every network; RBAC is then the only barrier.",
    check: (r) => {
      const action = block(r.body, "network_acls")?.default_action;
      return action === "Deny" ? pass : fail(`network_acls.default_action is ${show(action)}${action === undefined ? " (Allow)" : ""}`);
    },
  },
  {
    id: "CKV_AZURE_189",
    source: "Checkov",
    title: "Key Vault public network access must be disabled",
    resourceTypes: [VAULT],
    attribute: "public_network_access_enabled",
    severity: "error",
    fix: "set public_network_access_enabled = false and reach the vault through a private endpoint",
    rationale: "A vault without a public endpoint cannot be attacked from the internet at all, whatever its ACLs say.",
    check: (r) => {
      const enabled = r.body.public_network_access_enabled;
      return enabled === false ? pass : fail(`public_network_access_enabled is ${show(enabled)}${enabled === undefined ? " (true)" : ""}`);
    },
  },
  {
    id: "CKV_AZURE_114",
    source: "Checkov",
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
