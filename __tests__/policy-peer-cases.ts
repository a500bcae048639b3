import { CHECKOV_COMMIT, CHECKOV_REPOSITORY, TRIVY_CHECKS_COMMIT, TRIVY_CHECKS_REPOSITORY } from "../lib/policy/peers";
import { Block } from "./helpers";

/**
 * Every test case of the peers' own suites for the rules this project mirrors, restated as facts: the
 * resource with only the attributes that decide its verdict (azurerm 4.x names), the verdict the peer's
 * test expects, and where the case is written. Nothing here is copied from the peers' fixtures; read
 * them at the commit given to check a case. A case whose deciding attribute azurerm 4.x does not have
 * (2.x/3.x names, or blocks no azurerm version has) says so instead of giving a resource.
 */

export type PeerVerdict = "passed" | "failed";

export interface PeerCase {
  /** The peer's rule id (CKV_AZURE_42 is checked by our CKV_AZURE_110). */
  readonly peerId: string;
  readonly repository: string;
  readonly commit: string;
  /** The file that declares the expected verdict. */
  readonly file: string;
  /** The file holding the case's resource, when another (Checkov's example_*\/main.tf, Trivy's examples). */
  readonly fixture?: string;
  /** The case's name there: a resource address, a test method, or an example's index. */
  readonly name: string;
  readonly expected: PeerVerdict;
  /** The resource, reduced to what decides the verdict; absent when azurerm 4.x cannot express the case. */
  readonly resource?: { readonly type: string; readonly body: Block };
  /** Why azurerm 4.x cannot express the case. */
  readonly inexpressible?: string;
  /** Where the facts differ from the fixture's text without changing what decides the verdict. */
  readonly note?: string;
}

const CLUSTER = "azurerm_kubernetes_cluster";
const NODE_POOL = "azurerm_kubernetes_cluster_node_pool";
const VAULT = "azurerm_key_vault";
const SECRET = "azurerm_key_vault_secret";
const CHECKOV_TESTS = "tests/terraform/checks/resource/azure";

interface Source {
  readonly peerId: string;
  readonly file: string;
  readonly fixture?: string;
  readonly type: string;
  readonly repository?: string;
  readonly commit?: string;
}

type Row = [name: string, expected: PeerVerdict, body: Block | { inexpressible: string }, note?: string];

function cases(source: Source, rows: readonly Row[]): PeerCase[] {
  return rows.map(([name, expected, body, note]) => ({
    peerId: source.peerId,
    repository: source.repository ?? CHECKOV_REPOSITORY,
    commit: source.commit ?? CHECKOV_COMMIT,
    file: source.file,
    ...(source.fixture ? { fixture: source.fixture } : {}),
    name,
    expected,
    ...("inexpressible" in body && typeof body.inexpressible === "string" ? { inexpressible: body.inexpressible } : { resource: { type: source.type, body } }),
    ...(note ? { note } : {}),
  }));
}

/** A Checkov test module and, for runner-based tests, its example directory. */
function checkov(peerId: string, test: string, type: string, example = false): Source {
  return { peerId, type, file: `${CHECKOV_TESTS}/test_${test}.py`, ...(example ? { fixture: `${CHECKOV_TESTS}/example_${test}/main.tf` } : {}) };
}

const REMOVED_IN_3 = "removed in azurerm 3.0";
const RENAMED_IN_4 = "renamed in azurerm 4.0";

export const PEER_CASES: readonly PeerCase[] = [
  ...cases(checkov("CKV_AZURE_141", "AKSLocalAdminDisabled", CLUSTER, true), [
    ["ckv_unittest_pass", "passed", { local_account_disabled: true }],
    ["ckv_unittest_fail", "failed", {}],
    ["ckv_unittest_fail_2", "failed", { local_account_disabled: false }],
  ]),
  ...cases(checkov("CKV_AZURE_6", "AKSApiServerAuthorizedIpRanges", CLUSTER, true), [
    ["enabled", "passed", { inexpressible: `writes api_server_authorized_ip_ranges, ${RENAMED_IN_4} to api_server_access_profile.authorized_ip_ranges (case version_3_39)` }],
    ["private", "passed", { private_cluster_enabled: true }],
    ["version_3_39", "passed", { api_server_access_profile: { authorized_ip_ranges: ["192.168.0.0/16"] } }],
    ["default", "failed", {}],
    ["empty", "failed", { inexpressible: `writes api_server_authorized_ip_ranges = [], ${RENAMED_IN_4}` }],
  ]),
  ...cases(checkov("CKV_AZURE_115", "AKSEnablesPrivateClusters", CLUSTER), [
    ["test_failure", "failed", {}],
    ["test_failure2", "failed", { private_cluster_enabled: false }],
    ["test_success", "passed", { private_cluster_enabled: true }],
  ]),
  ...cases(checkov("CKV_AZURE_7", "AKSNetworkPolicy", CLUSTER), [
    ["test_failure", "failed", {}, "its addon_profile and api_server_authorized_ip_ranges (azurerm 2.x) are not read by the rule and left out"],
    ["test_failure2", "failed", { network_profile: { network_plugin: "azure" } }],
    ["test_success", "passed", { network_profile: { network_plugin: "azure", network_policy: "calico" } }, 'the fixture writes network_policy = "network_policy", which azurerm rejects; the rule asks only that one is set'],
  ]),
  ...cases(checkov("CKV_AZURE_116", "AKSUsesAzurePoliciesAddon", CLUSTER), [
    ["test_failure", "failed", {}],
    ["test_failure2", "failed", { inexpressible: `writes addon_profile.azure_policy.enabled = false, ${REMOVED_IN_3}` }],
    ["test_failure3", "failed", { inexpressible: "writes a top-level azure_policy block, which no azurerm version has" }],
    ["test_failure4", "failed", { azure_policy_enabled: false }],
    ["test_success", "passed", { inexpressible: `writes addon_profile.azure_policy.enabled = true, ${REMOVED_IN_3}` }],
    ["test_success2", "passed", { azure_policy_enabled: true }],
  ]),
  ...cases(checkov("CKV_AZURE_171", "AKSUpgradeChannel", CLUSTER, true), [
    ["pass_new", "passed", { automatic_upgrade_channel: "stable" }],
    ["pass_old", "passed", { inexpressible: `writes automatic_channel_upgrade, ${RENAMED_IN_4} to automatic_upgrade_channel` }],
    ["fail_new", "failed", { automatic_upgrade_channel: "none" }],
    ["fail2_new", "failed", {}],
    ["fail_old", "failed", { inexpressible: `writes automatic_channel_upgrade = "none", ${RENAMED_IN_4}` }],
    ["fail2_old", "failed", {}, "no channel under either name: the same facts as fail2_new"],
  ]),
  ...cases(checkov("CKV_AZURE_170", "AKSIsPaidSku", CLUSTER, true), [
    ["pass", "passed", { sku_tier: "Standard" }],
    ["fail", "failed", { sku_tier: "Free" }],
    ["fail2", "failed", {}],
  ]),
  ...cases(checkov("CKV_AZURE_227", "AKSEncryptionAtHostEnabled", CLUSTER, true), [
    ["azurerm_kubernetes_cluster.pass", "passed", { inexpressible: `writes default_node_pool.enable_host_encryption, ${RENAMED_IN_4} to host_encryption_enabled` }],
    ["azurerm_kubernetes_cluster.pass_new", "passed", { default_node_pool: { host_encryption_enabled: true } }],
    ["azurerm_kubernetes_cluster.fail_new", "failed", { default_node_pool: { host_encryption_enabled: false } }],
    ["azurerm_kubernetes_cluster.fail1", "failed", { inexpressible: `writes default_node_pool.enable_host_encryption = false, ${RENAMED_IN_4}` }],
    ["azurerm_kubernetes_cluster.fail2", "failed", { default_node_pool: { name: "default" } }],
  ]),
  ...cases(checkov("CKV_AZURE_227", "AKSEncryptionAtHostEnabled", NODE_POOL, true), [
    ["azurerm_kubernetes_cluster_node_pool.pass", "passed", { inexpressible: `writes enable_host_encryption, ${RENAMED_IN_4} to host_encryption_enabled` }],
    ["azurerm_kubernetes_cluster_node_pool.pass_new", "passed", { host_encryption_enabled: true }],
    ["azurerm_kubernetes_cluster_node_pool.fail_new", "failed", { host_encryption_enabled: false }],
    ["azurerm_kubernetes_cluster_node_pool.fail1", "failed", { inexpressible: `writes enable_host_encryption = false, ${RENAMED_IN_4}` }],
    ["azurerm_kubernetes_cluster_node_pool.fail2", "failed", {}],
  ]),
  ...cases(checkov("CKV_AZURE_232", "AKSOnlyCriticalPodsOnSystemNodes", CLUSTER, true), [
    ["pass", "passed", { default_node_pool: { name: "defaultpool", only_critical_addons_enabled: true } }],
    ["fail1", "failed", { default_node_pool: { name: "defaultpool" } }],
    ["fail2", "failed", { default_node_pool: { name: "defaultpool", only_critical_addons_enabled: false } }],
    ["fail3", "failed", {}, "no default_node_pool at all, as in the fixture (azurerm requires one at validate)"],
    ["fail4", "failed", { inexpressible: "writes only_critical_addons_enabled at the top of the cluster, where azurerm has no such argument" }],
  ]),
  ...cases(checkov("CKV_AZURE_4", "AKSLoggingEnabled", CLUSTER), [
    ["test_failure", "failed", {}],
    ["test_success", "passed", { inexpressible: `writes addon_profile.oms_agent, ${REMOVED_IN_3} (the file defines this method twice, identically; Python keeps one)` }],
    ["test_success_new_syntax", "passed", { oms_agent: { log_analytics_workspace_id: "mock_workspace_id" } }],
  ]),
  ...cases(checkov("CKV_AZURE_110", "KeyVaultEnablesPurgeProtection", VAULT), [
    ["test_failure", "failed", { soft_delete_retention_days: 7 }],
    ["test_failure2", "failed", { soft_delete_retention_days: 7, purge_protection_enabled: false }],
    ["test_success", "passed", { soft_delete_retention_days: 7, purge_protection_enabled: true }],
  ]),
  ...cases(checkov("CKV_AZURE_42", "KeyVaultRecoveryEnabled", VAULT), [
    ["test_failure", "failed", {}],
    ["test_failure2", "failed", { inexpressible: `writes soft_delete_enabled = false, ${REMOVED_IN_3} (soft delete is always on)` }],
    ["test_success", "passed", { inexpressible: `writes soft_delete_enabled = true, ${REMOVED_IN_3}` }],
    ["test_success2", "passed", { purge_protection_enabled: true }],
  ]),
  ...cases(checkov("CKV_AZURE_109", "KeyVaultEnablesFirewallRulesSettings", VAULT), [
    ["test_failure_missing", "failed", {}],
    ["test_success", "passed", { network_acls: { default_action: "Deny" } }],
    ["test_fail_allow", "failed", { network_acls: { default_action: "Allow" } }],
  ]),
  ...cases(checkov("CKV_AZURE_189", "KeyVaultDisablesPublicNetworkAccess", VAULT, true), [
    ["pass1", "passed", { public_network_access_enabled: false }],
    ["pass2", "passed", { public_network_access_enabled: false, network_acls: { default_action: "Allow", bypass: "AzureServices" } }],
    ["pass3", "passed", { public_network_access_enabled: true, network_acls: { default_action: "Allow", bypass: "AzureServices", ip_rules: ["127.0.0.1"] } }],
    ["pass4", "passed", { network_acls: { default_action: "Allow", bypass: "AzureServices", ip_rules: ["127.0.0.1"] } }],
    ["pass5", "passed", { network_acls: { default_action: "Allow", bypass: "AzureServices", virtual_network_subnet_ids: ["127.0.0.1/24"] } }],
    ["fail1", "failed", { public_network_access_enabled: true }],
    ["fail2", "failed", {}],
    ["fail3", "failed", { network_acls: { default_action: "Allow", bypass: "AzureServices", ip_rules: [] } }],
    ["fail4", "failed", { network_acls: { default_action: "Allow", bypass: "AzureServices" } }],
    [
      "fail5",
      "failed",
      {
        dynamic: {
          network_acls: {
            for_each: "${var.nacls_enabled ? [1] : []}",
            content: { default_action: "Allow", bypass: "AzureServices", ip_rules: [], virtual_network_subnet_ids: [] },
          },
        },
      },
      "a dynamic network_acls block, as Terraform JSON writes one",
    ],
  ]),
  ...cases(checkov("CKV_AZURE_114", "SecretContentType", SECRET), [
    ["test_failure", "failed", {}],
    ["test_success", "passed", { content_type: "text", expiration_date: "2020-12-30T20:00:00Z" }],
  ]),
  ...cases(checkov("CKV_AZURE_41", "SecretExpirationDate", SECRET), [
    ["test_failure", "failed", {}],
    ["test_success", "passed", { expiration_date: "2020-12-30T20:00:00Z" }],
  ]),
  // trivy-checks runs each example through Trivy (integration/check_examples_test.go).
  ...cases(
    {
      peerId: "AZU-0016",
      type: VAULT,
      repository: TRIVY_CHECKS_REPOSITORY,
      commit: TRIVY_CHECKS_COMMIT,
      file: "integration/check_examples_test.go",
      fixture: "checks/cloud/azure/keyvault/no_purge.yaml",
    },
    [
      ["terraform.good[0]", "passed", { soft_delete_retention_days: 7, purge_protection_enabled: true }],
      ["terraform.bad[0]", "failed", { purge_protection_enabled: false }],
      ["terraform.bad[1]", "failed", { soft_delete_retention_days: 2, purge_protection_enabled: true }],
      ["terraform.bad[2]", "failed", { soft_delete_retention_days: 100, purge_protection_enabled: true }],
    ],
  ),
  // The Rego tests give the vault as Trivy's adapter leaves it; aquasecurity/trivy's
  // pkg/iac/adapters/terraform/azure/keyvault/adapt.go (at dc3c56eed58ab21c7e08d26757c517bc946a86c5)
  // reads an absent purge_protection_enabled as false and an absent soft_delete_retention_days as 0.
  ...cases(
    { peerId: "AZU-0016", type: VAULT, repository: TRIVY_CHECKS_REPOSITORY, commit: TRIVY_CHECKS_COMMIT, file: "checks/cloud/azure/keyvault/no_purge_test.rego" },
    [
      ["test_deny_purge_protection_disabled", "failed", {}],
      ["test_deny_purge_protection_enabled_but_soft_delete_retention_days_less_than_7", "failed", { purge_protection_enabled: true }, "no retention in the input: the adapter's 0"],
      ["test_deny_purge_protection_enabled_but_soft_delete_retention_days_greater_than_90", "failed", { purge_protection_enabled: true, soft_delete_retention_days: 91 }],
      ["test_allow_purge_protection_enabled_and_soft_delete_retention_days_between_7_and_90", "passed", { purge_protection_enabled: true, soft_delete_retention_days: 30 }],
    ],
  ),
];
