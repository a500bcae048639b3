import { checkovCheck } from "./peers";
import { block } from "../terraform-json/blocks";
import { isExpression } from "../terraform-json/references";
import { fail, failOrUnknown, pass, requireLiteral, show, unknown } from "./verdicts";
import { PolicyRule } from "./types";

/**
 * AKS rules of Checkov, on azurerm 4.x's `azurerm_kubernetes_cluster`. Each gives Checkov's verdict on
 * every one of Checkov's own test cases that azurerm 4.x can express (__tests__/policy-peers.test.ts);
 * help/policy.md lists where they deliberately differ.
 */

const CLUSTER = "azurerm_kubernetes_cluster";
const NODE_POOL = "azurerm_kubernetes_cluster_node_pool";

export const AKS_RULES: readonly PolicyRule[] = [
  {
    id: "CKV_AZURE_141",
    source: "Checkov",
    peer: checkovCheck("AKSLocalAdminDisabled"),
    title: "AKS local accounts must be disabled",
    resourceTypes: [CLUSTER],
    attribute: "local_account_disabled",
    severity: "error",
    fix: "set local_account_disabled = true with Entra ID and Azure RBAC (in this app: cluster.localAccountsDisabled: true)",
    rationale: "The local admin account's static client certificate bypasses Entra ID, its audit trail and its conditional access.",
    check: (r) => requireLiteral(r.body, "local_account_disabled", true),
  },
  {
    id: "CKV_AZURE_6",
    source: "Checkov",
    peer: checkovCheck("AKSApiServerAuthorizedIpRanges"),
    title: "The AKS API server must be private or limited to authorized IP ranges",
    resourceTypes: [CLUSTER],
    attribute: "api_server_access_profile.authorized_ip_ranges, private_cluster_enabled",
    severity: "error",
    fix: "set api_server_access_profile.authorized_ip_ranges to the networks that administer the cluster, or private_cluster_enabled = true",
    rationale: "A public API server answers the whole internet; every credential leak or API server vulnerability is then exploitable from anywhere.",
    check: (r) => {
      const isPrivate = r.body.private_cluster_enabled;
      if (isPrivate === true) return pass;
      const ranges = block(r.body, "api_server_access_profile")?.authorized_ip_ranges;
      // Like Checkov, any list that Terraform computes counts as set.
      if (isExpression(ranges) || (Array.isArray(ranges) && ranges.length > 0)) return pass;
      return failOrUnknown(isPrivate, `private_cluster_enabled is ${show(isPrivate)} and api_server_access_profile.authorized_ip_ranges is ${show(ranges)}`);
    },
  },
  {
    id: "CKV_AZURE_115",
    source: "Checkov",
    peer: checkovCheck("AKSEnablesPrivateClusters"),
    title: "The AKS API server must be private",
    resourceTypes: [CLUSTER],
    attribute: "private_cluster_enabled",
    severity: "error",
    fix: "set private_cluster_enabled = true and administer the cluster from its virtual network or one peered with it",
    rationale: "Authorized IP ranges (CKV_AZURE_6) narrow a public endpoint; a private cluster has none, so the API server cannot be reached from the internet at all.",
    check: (r) => requireLiteral(r.body, "private_cluster_enabled", true),
  },
  {
    id: "CKV_AZURE_7",
    source: "Checkov",
    peer: checkovCheck("AKSNetworkPolicy"),
    title: "AKS must enforce a network policy",
    resourceTypes: [CLUSTER],
    attribute: "network_profile.network_policy",
    severity: "error",
    fix: "set network_profile.network_policy to \"azure\", \"calico\" or \"cilium\"",
    rationale: "Without a network policy engine every pod can reach every other pod; NetworkPolicy objects are silently ignored.",
    check: (r) => {
      // Any value, an expression included, as Checkov's ANY_VALUE: the rule asks only that one is chosen.
      const policy = block(r.body, "network_profile")?.network_policy;
      return typeof policy === "string" && policy !== "" ? pass : fail(`network_profile.network_policy is ${show(policy)}`);
    },
  },
  {
    id: "CKV_AZURE_116",
    source: "Checkov",
    peer: checkovCheck("AKSUsesAzurePoliciesAddon"),
    title: "AKS must run the Azure Policy add-on",
    resourceTypes: [CLUSTER],
    attribute: "azure_policy_enabled",
    severity: "error",
    fix: "set azure_policy_enabled = true and assign the Kubernetes policy initiatives you need",
    rationale: "The add-on (Gatekeeper) is how Azure Policy admission rules, such as baseline pod security, reach the cluster.",
    check: (r) => requireLiteral(r.body, "azure_policy_enabled", true),
  },
  {
    id: "CKV_AZURE_171",
    source: "Checkov",
    peer: checkovCheck("AKSUpgradeChannel"),
    title: "AKS must have an automatic upgrade channel",
    resourceTypes: [CLUSTER],
    attribute: "automatic_upgrade_channel",
    severity: "error",
    fix: "set automatic_upgrade_channel to \"patch\" or \"stable\" (with a maintenance_window_auto_upgrade)",
    rationale: "Clusters left on one Kubernetes version fall out of support and miss security patches.",
    check: (r) => {
      const channel = r.body.automatic_upgrade_channel;
      if (isExpression(channel)) return unknown(`automatic_upgrade_channel is ${show(channel)}`);
      return typeof channel === "string" && channel !== "" && channel !== "none" ? pass : fail(`automatic_upgrade_channel is ${show(channel)}`);
    },
  },
  {
    id: "CKV_AZURE_170",
    source: "Checkov",
    peer: checkovCheck("AKSIsPaidSku"),
    title: "AKS must use the Standard (paid, SLA-backed) tier",
    resourceTypes: [CLUSTER],
    attribute: "sku_tier",
    severity: "error",
    fix: "set sku_tier = \"Standard\" (or \"Premium\")",
    rationale: "The Free tier has no uptime SLA for the API server and is meant for experiments.",
    check: (r) => {
      const tier = r.body.sku_tier;
      // Checkov accepts only Standard; Premium is Standard's SLA plus long-term support (help/policy.md).
      return tier === "Standard" || tier === "Premium" ? pass : failOrUnknown(tier, `sku_tier is ${show(tier)}${tier === undefined ? " (Free)" : ""}`);
    },
  },
  {
    id: "CKV_AZURE_227",
    source: "Checkov",
    peer: checkovCheck("AKSEncryptionAtHostEnabled"),
    title: "AKS nodes must use host encryption",
    resourceTypes: [CLUSTER, NODE_POOL],
    attribute: "default_node_pool.host_encryption_enabled, host_encryption_enabled",
    severity: "error",
    fix: "set host_encryption_enabled = true on every node pool (register the EncryptionAtHost feature first)",
    rationale: "Without it, temporary disks and disk caches on the VM host are not encrypted at rest.",
    check: (r) =>
      r.type === NODE_POOL
        ? requireLiteral(r.body, "host_encryption_enabled", true)
        : requireLiteral(block(r.body, "default_node_pool"), "host_encryption_enabled", true, "default_node_pool.host_encryption_enabled"),
  },
  {
    id: "CKV_AZURE_232",
    source: "Checkov",
    peer: checkovCheck("AKSOnlyCriticalPodsOnSystemNodes"),
    title: "The AKS system node pool must run only critical add-ons",
    resourceTypes: [CLUSTER],
    attribute: "default_node_pool.only_critical_addons_enabled",
    severity: "error",
    fix: "set default_node_pool.only_critical_addons_enabled = true and add a user node pool for workloads",
    rationale: "Workloads on the system pool compete with CoreDNS and the metrics server, and a compromised workload sits beside them.",
    check: (r) =>
      requireLiteral(block(r.body, "default_node_pool"), "only_critical_addons_enabled", true, "default_node_pool.only_critical_addons_enabled"),
  },
  {
    id: "CKV_AZURE_4",
    source: "Checkov",
    peer: checkovCheck("AKSLoggingEnabled"),
    title: "AKS must send logs and metrics to Azure Monitor (OMS agent)",
    resourceTypes: [CLUSTER],
    attribute: "oms_agent.log_analytics_workspace_id",
    severity: "error",
    fix: "add an oms_agent block with the log_analytics_workspace_id of a Log Analytics workspace",
    rationale: "Without container insights there is no record of what ran on the cluster when an incident is investigated.",
    check: (r) => {
      const workspace = block(r.body, "oms_agent")?.log_analytics_workspace_id;
      return typeof workspace === "string" && workspace !== "" ? pass : fail(`oms_agent.log_analytics_workspace_id is ${show(workspace)}`);
    },
  },
];
