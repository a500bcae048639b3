import * as fs from "fs";
import { evaluatePolicy } from "../lib/policy/engine";
import { RULES } from "../lib/policy/rules";
import { PolicyResult } from "../lib/policy/types";
import { Block } from "./helpers";

/**
 * Each rule on minimal Terraform JSON: a resource that passes, and one that fails with the exact
 * message synthesis would print. Only the rule under test runs, so nothing else can mask it.
 */

/** Terraform JSON with one resource `type.Main` at construct path `stack/Main`, plus `extra` top-level blocks. */
function doc(type: string, body: Block, extra: Block = {}): Block {
  return {
    ...extra,
    resource: { ...(extra.resource ?? {}), [type]: { Main: { "//": { metadata: { path: "stack/Main", uniqueId: "Main" } }, ...body } } },
  };
}

function run(id: string, tf: Block): PolicyResult {
  const rule = RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`no rule ${id}`);
  return evaluatePolicy(tf, [], [rule]);
}

function expectPass(id: string, tf: Block): void {
  const result = run(id, tf);
  expect(result.findings).toEqual([]);
  expect(result.passed.map((p) => `${p.ruleId} ${p.path}`)).toEqual([`${id} stack/Main`]);
}

function expectFail(id: string, tf: Block, message: string, found: string): void {
  const result = run(id, tf);
  expect(result.passed).toEqual([]);
  expect(result.unknown).toEqual([]);
  expect(result.findings.map((f) => f.message)).toEqual([message]);
  expect(result.findings[0].found).toBe(found);
}

/** Neither passed nor failed: the outcome waits on `found`, a value Terraform evaluates. */
function expectUnknown(id: string, tf: Block, found: string): void {
  const result = run(id, tf);
  expect([result.passed, result.findings]).toEqual([[], []]);
  expect(result.unknown.map((u) => [u.ruleId, u.found])).toEqual([[id, found]]);
  expect(result.unknown[0].message).toMatch(new RegExp(`^${id} stack/Main: .+ — unknown until Terraform evaluates it \\(`));
}

const CLUSTER = "azurerm_kubernetes_cluster";
const VAULT = "azurerm_key_vault";
const SECRET = "azurerm_key_vault_secret";
const CREDENTIAL = "azurerm_federated_identity_credential";
const ROLE = "azurerm_role_assignment";

describe("AKS rules", () => {
  test("CKV_AZURE_141 passes when local accounts are disabled", () => expectPass("CKV_AZURE_141", doc(CLUSTER, { local_account_disabled: true })));
  test("CKV_AZURE_141 fails when local accounts are kept", () =>
    expectFail(
      "CKV_AZURE_141",
      doc(CLUSTER, {}),
      "CKV_AZURE_141 stack/Main: AKS local accounts must be disabled — set local_account_disabled = true with Entra ID and Azure RBAC (in this app: cluster.localAccountsDisabled: true)",
      "local_account_disabled is absent",
    ));
  test("CKV_AZURE_141 is unknown when the value is known only when Terraform runs", () =>
    expectUnknown("CKV_AZURE_141", doc(CLUSTER, { local_account_disabled: "${var.disable}" }), 'local_account_disabled is "${var.disable}"'));

  // Before lib/terraform-json, any "${" made a value an expression (unknown), the escape "$${" too, and a %{…} directive did not (a failure).
  test("CKV_AZURE_141 fails for the literal text $${…}, and is unknown for a %{…} directive", () => {
    expectFail(
      "CKV_AZURE_141",
      doc(CLUSTER, { local_account_disabled: "$${var.disable}" }),
      "CKV_AZURE_141 stack/Main: AKS local accounts must be disabled — set local_account_disabled = true with Entra ID and Azure RBAC (in this app: cluster.localAccountsDisabled: true)",
      'local_account_disabled is "$${var.disable}"',
    );
    expectUnknown("CKV_AZURE_141", doc(CLUSTER, { local_account_disabled: "%{ if var.disable }true%{ else }false%{ endif }" }), 'local_account_disabled is "%{ if var.disable }true%{ else }false%{ endif }"');
  });

  test("CKV_AZURE_6 passes with authorized IP ranges, as an object or a list of blocks", () => {
    expectPass("CKV_AZURE_6", doc(CLUSTER, { api_server_access_profile: { authorized_ip_ranges: ["203.0.113.0/24"] } }));
    expectPass("CKV_AZURE_6", doc(CLUSTER, { api_server_access_profile: [{ authorized_ip_ranges: ["203.0.113.0/24"] }] }));
  });
  test("CKV_AZURE_6 passes for a private cluster", () => expectPass("CKV_AZURE_6", doc(CLUSTER, { private_cluster_enabled: true })));
  test("CKV_AZURE_6 is unknown when a public cluster's privacy is an expression", () =>
    expectUnknown("CKV_AZURE_6", doc(CLUSTER, { private_cluster_enabled: "${var.private}" }), 'private_cluster_enabled is "${var.private}" and api_server_access_profile.authorized_ip_ranges is absent'));

  test("CKV_AZURE_115 passes for a private cluster only", () => expectPass("CKV_AZURE_115", doc(CLUSTER, { private_cluster_enabled: true })));
  test("CKV_AZURE_115 fails for a public cluster, even one limited to authorized IP ranges", () =>
    expectFail(
      "CKV_AZURE_115",
      doc(CLUSTER, { api_server_access_profile: { authorized_ip_ranges: ["203.0.113.0/24"] } }),
      "CKV_AZURE_115 stack/Main: The AKS API server must be private — set private_cluster_enabled = true and administer the cluster from its virtual network or one peered with it",
      "private_cluster_enabled is absent",
    ));
  test("CKV_AZURE_6 fails when the API server is public to everyone", () =>
    expectFail(
      "CKV_AZURE_6",
      doc(CLUSTER, { api_server_access_profile: { authorized_ip_ranges: [] } }),
      "CKV_AZURE_6 stack/Main: The AKS API server must be private or limited to authorized IP ranges — set api_server_access_profile.authorized_ip_ranges to the networks that administer the cluster, or private_cluster_enabled = true",
      "private_cluster_enabled is absent and api_server_access_profile.authorized_ip_ranges is []",
    ));

  test("CKV_AZURE_7 passes with a network policy", () => expectPass("CKV_AZURE_7", doc(CLUSTER, { network_profile: { network_plugin: "azure", network_policy: "calico" } })));
  test("CKV_AZURE_7 fails without a network policy", () =>
    expectFail(
      "CKV_AZURE_7",
      doc(CLUSTER, { network_profile: { network_plugin: "azure" } }),
      'CKV_AZURE_7 stack/Main: AKS must enforce a network policy — set network_profile.network_policy to "azure", "calico" or "cilium"',
      "network_profile.network_policy is absent",
    ));

  test("CKV_AZURE_116 passes with the Azure Policy add-on", () => expectPass("CKV_AZURE_116", doc(CLUSTER, { azure_policy_enabled: true })));
  test("CKV_AZURE_116 fails without it", () =>
    expectFail(
      "CKV_AZURE_116",
      doc(CLUSTER, { azure_policy_enabled: false }),
      "CKV_AZURE_116 stack/Main: AKS must run the Azure Policy add-on — set azure_policy_enabled = true and assign the Kubernetes policy initiatives you need",
      "azure_policy_enabled is false",
    ));

  test("CKV_AZURE_171 passes with an upgrade channel", () => expectPass("CKV_AZURE_171", doc(CLUSTER, { automatic_upgrade_channel: "patch" })));
  test("CKV_AZURE_171 is unknown for a channel from a variable, which may be none", () =>
    expectUnknown("CKV_AZURE_171", doc(CLUSTER, { automatic_upgrade_channel: "${var.channel}" }), 'automatic_upgrade_channel is "${var.channel}"'));
  test("CKV_AZURE_171 fails with the channel none", () =>
    expectFail(
      "CKV_AZURE_171",
      doc(CLUSTER, { automatic_upgrade_channel: "none" }),
      'CKV_AZURE_171 stack/Main: AKS must have an automatic upgrade channel — set automatic_upgrade_channel to "patch" or "stable" (with a maintenance_window_auto_upgrade)',
      'automatic_upgrade_channel is "none"',
    ));

  test("CKV_AZURE_170 passes on the Standard and Premium tiers", () => {
    expectPass("CKV_AZURE_170", doc(CLUSTER, { sku_tier: "Standard" }));
    expectPass("CKV_AZURE_170", doc(CLUSTER, { sku_tier: "Premium" }));
  });
  test("CKV_AZURE_170 fails on the Free tier, written or by default", () => {
    expectFail(
      "CKV_AZURE_170",
      doc(CLUSTER, {}),
      'CKV_AZURE_170 stack/Main: AKS must use the Standard (paid, SLA-backed) tier — set sku_tier = "Standard" (or "Premium")',
      "sku_tier is absent (Free)",
    );
    expect(run("CKV_AZURE_170", doc(CLUSTER, { sku_tier: "Free" })).findings[0].found).toBe('sku_tier is "Free"');
  });

  test("CKV_AZURE_227 passes with host encryption on the default pool and on a node pool", () => {
    expectPass("CKV_AZURE_227", doc(CLUSTER, { default_node_pool: { name: "system", host_encryption_enabled: true } }));
    expectPass("CKV_AZURE_227", doc("azurerm_kubernetes_cluster_node_pool", { host_encryption_enabled: true }));
  });
  test("CKV_AZURE_227 fails without host encryption, on the cluster or a node pool", () => {
    expectFail(
      "CKV_AZURE_227",
      doc(CLUSTER, { default_node_pool: { name: "system" } }),
      "CKV_AZURE_227 stack/Main: AKS nodes must use host encryption — set host_encryption_enabled = true on every node pool (register the EncryptionAtHost feature first)",
      "default_node_pool.host_encryption_enabled is absent",
    );
    expect(run("CKV_AZURE_227", doc("azurerm_kubernetes_cluster_node_pool", {})).findings[0].found).toBe("host_encryption_enabled is absent");
  });

  test("CKV_AZURE_232 passes when the system pool runs only critical add-ons", () =>
    expectPass("CKV_AZURE_232", doc(CLUSTER, { default_node_pool: { only_critical_addons_enabled: true } })));
  test("CKV_AZURE_232 fails when workloads may run on the system pool", () =>
    expectFail(
      "CKV_AZURE_232",
      doc(CLUSTER, { default_node_pool: { name: "nodepool1" } }),
      "CKV_AZURE_232 stack/Main: The AKS system node pool must run only critical add-ons — set default_node_pool.only_critical_addons_enabled = true and add a user node pool for workloads",
      "default_node_pool.only_critical_addons_enabled is absent",
    ));

  test("CKV_AZURE_4 passes with the OMS agent writing to a workspace", () =>
    expectPass("CKV_AZURE_4", doc(CLUSTER, { oms_agent: { log_analytics_workspace_id: "${azurerm_log_analytics_workspace.Logs.id}" } })));
  test("CKV_AZURE_4 fails without the OMS agent", () =>
    expectFail(
      "CKV_AZURE_4",
      doc(CLUSTER, {}),
      "CKV_AZURE_4 stack/Main: AKS must send logs and metrics to Azure Monitor (OMS agent) — add an oms_agent block with the log_analytics_workspace_id of a Log Analytics workspace",
      "oms_agent.log_analytics_workspace_id is absent",
    ));
});

describe("Key Vault rules", () => {
  test("CKV_AZURE_110 passes with purge protection", () => expectPass("CKV_AZURE_110", doc(VAULT, { purge_protection_enabled: true })));
  test("CKV_AZURE_110 fails without purge protection", () =>
    expectFail(
      "CKV_AZURE_110",
      doc(VAULT, {}),
      "CKV_AZURE_110 stack/Main: Key Vault purge protection must be enabled — set purge_protection_enabled = true (it cannot be turned off again)",
      "purge_protection_enabled is absent",
    ));

  const retentionFix =
    "AZU-0016 stack/Main: Key Vault must have purge protection and a soft-delete retention of 7-90 days, written out — set purge_protection_enabled = true and soft_delete_retention_days between 7 and 90, even at azurerm's default of 90: Trivy reads an absent retention as 0";
  test("AZU-0016 passes with purge protection and 7-90 days written out", () => {
    expectPass("AZU-0016", doc(VAULT, { purge_protection_enabled: true, soft_delete_retention_days: 7 }));
    expectPass("AZU-0016", doc(VAULT, { purge_protection_enabled: true, soft_delete_retention_days: 90 }));
  });
  test("AZU-0016 fails outside 7-90 days, and, as Trivy, when the retention is left to azurerm's default", () => {
    expectFail("AZU-0016", doc(VAULT, { purge_protection_enabled: true, soft_delete_retention_days: 6 }), retentionFix, "soft_delete_retention_days is 6");
    expect(run("AZU-0016", doc(VAULT, { purge_protection_enabled: true, soft_delete_retention_days: 91 })).findings[0].found).toBe("soft_delete_retention_days is 91");
    expect(run("AZU-0016", doc(VAULT, { purge_protection_enabled: true })).findings[0].found).toBe("soft_delete_retention_days is absent (Trivy reads 0)");
  });
  test("AZU-0016 fails without purge protection, whatever the retention", () =>
    expectFail("AZU-0016", doc(VAULT, { purge_protection_enabled: false, soft_delete_retention_days: 90 }), retentionFix, "purge_protection_enabled is false"));
  test("AZU-0016 is unknown for a retention from a variable", () =>
    expectUnknown("AZU-0016", doc(VAULT, { purge_protection_enabled: true, soft_delete_retention_days: "${var.days}" }), 'soft_delete_retention_days is "${var.days}"'));

  test("CKV_AZURE_109 passes when the network ACL denies by default", () =>
    expectPass("CKV_AZURE_109", doc(VAULT, { network_acls: { default_action: "Deny", bypass: "AzureServices" } })));
  test("CKV_AZURE_109 fails with the default Allow, absent or written", () => {
    expectFail(
      "CKV_AZURE_109",
      doc(VAULT, {}),
      'CKV_AZURE_109 stack/Main: Key Vault network ACLs must deny by default — add network_acls { default_action = "Deny", bypass = "AzureServices" } with the ip_rules or virtual_network_subnet_ids that need access',
      "network_acls.default_action is absent (Allow)",
    );
    expect(run("CKV_AZURE_109", doc(VAULT, { network_acls: [{ default_action: "Allow", bypass: "None" }] })).findings[0].found).toBe('network_acls.default_action is "Allow"');
  });
  test("CKV_AZURE_109 is unknown for a default action from a variable", () =>
    expectUnknown("CKV_AZURE_109", doc(VAULT, { network_acls: { default_action: "${var.action}", bypass: "None" } }), 'network_acls.default_action is "${var.action}"'));

  test("CKV_AZURE_189 passes with public network access disabled", () => expectPass("CKV_AZURE_189", doc(VAULT, { public_network_access_enabled: false })));
  test("CKV_AZURE_189 passes, as Checkov, when network ACL rules narrow the public endpoint", () => {
    expectPass("CKV_AZURE_189", doc(VAULT, { network_acls: { default_action: "Deny", bypass: "None", ip_rules: ["203.0.113.7/32"] } }));
    expectPass("CKV_AZURE_189", doc(VAULT, { network_acls: [{ default_action: "Deny", bypass: "None", virtual_network_subnet_ids: ["${azurerm_subnet.Pods.id}"] }] }));
  });
  test("CKV_AZURE_189 fails with azurerm's default, public access, and ACLs without rules", () => {
    expectFail(
      "CKV_AZURE_189",
      doc(VAULT, {}),
      "CKV_AZURE_189 stack/Main: Key Vault public network access must be disabled or narrowed by network ACL rules — set public_network_access_enabled = false and reach the vault through a private endpoint, or list the networks that need it in network_acls.ip_rules or virtual_network_subnet_ids",
      "public_network_access_enabled is absent (true) and network_acls lists no ip_rules or virtual_network_subnet_ids",
    );
    expect(run("CKV_AZURE_189", doc(VAULT, { network_acls: { default_action: "Allow", bypass: "AzureServices", ip_rules: [] } })).findings).toHaveLength(1);
  });

  test("CKV_AZURE_114 passes with a content type", () => expectPass("CKV_AZURE_114", doc(SECRET, { content_type: "text/plain" })));
  test("CKV_AZURE_114 fails without one", () =>
    expectFail(
      "CKV_AZURE_114",
      doc(SECRET, { content_type: "" }),
      'CKV_AZURE_114 stack/Main: Key Vault secrets must have a content type — set content_type, e.g. "text/plain" or "application/x-pem-file"',
      'content_type is ""',
    ));

  test("CKV_AZURE_41 passes with an expiration date", () => expectPass("CKV_AZURE_41", doc(SECRET, { expiration_date: "2026-12-31T00:00:00Z" })));
  test("CKV_AZURE_41 fails without one", () =>
    expectFail(
      "CKV_AZURE_41",
      doc(SECRET, {}),
      'CKV_AZURE_41 stack/Main: Key Vault secrets must have an expiration date — set expiration_date (RFC 3339, e.g. "2026-12-31T00:00:00Z") and rotate the secret before it',
      "expiration_date is absent",
    ));
});

describe("workload identity rules", () => {
  test("AKSWI_001 passes with the OIDC issuer, and when workload identity is off", () => {
    expectPass("AKSWI_001", doc(CLUSTER, { workload_identity_enabled: true, oidc_issuer_enabled: true }));
    expectPass("AKSWI_001", doc(CLUSTER, { workload_identity_enabled: false }));
  });
  test("AKSWI_001 is unknown when the issuer is an expression", () =>
    expectUnknown("AKSWI_001", doc(CLUSTER, { workload_identity_enabled: true, oidc_issuer_enabled: "${var.issuer}" }), 'workload_identity_enabled is true and oidc_issuer_enabled is "${var.issuer}"'));
  test("AKSWI_001 fails when workload identity is on without the OIDC issuer", () =>
    expectFail(
      "AKSWI_001",
      doc(CLUSTER, { workload_identity_enabled: true }),
      "AKSWI_001 stack/Main: Workload identity requires the cluster's OIDC issuer — set oidc_issuer_enabled = true wherever workload_identity_enabled is true (cluster.oidcIssuerEnabled is always true here)",
      "workload_identity_enabled is true and oidc_issuer_enabled is absent",
    ));

  test("AKSWI_002 passes with the token exchange audience only", () => expectPass("AKSWI_002", doc(CREDENTIAL, { audience: ["api://AzureADTokenExchange"] })));
  test("AKSWI_002 fails with any further audience", () =>
    expectFail(
      "AKSWI_002",
      doc(CREDENTIAL, { audience: ["api://AzureADTokenExchange", "api://other"] }),
      'AKSWI_002 stack/Main: A federated credential\'s audience must be exactly ["api://AzureADTokenExchange"] — set audience = ["api://AzureADTokenExchange"] (FederatedIdentity does)',
      'audience is ["api://AzureADTokenExchange","api://other"]',
    ));

  const withCluster = { resource: { [CLUSTER]: { Cluster: { name: "aks" } } }, data: { [CLUSTER]: { Existing: { name: "aks-old" } } } };
  const issuerFix =
    "AKSWI_003 stack/Main: A federated credential's issuer must reference a cluster's oidc_issuer_url — pass the cluster construct (FederatedIdentity's cluster prop) so issuer is ${azurerm_kubernetes_cluster.<name>.oidc_issuer_url}, never a copied URL";
  test("AKSWI_003 passes when the issuer references a declared cluster or cluster data source", () => {
    expectPass("AKSWI_003", doc(CREDENTIAL, { issuer: "${azurerm_kubernetes_cluster.Cluster.oidc_issuer_url}" }, withCluster));
    expectPass("AKSWI_003", doc(CREDENTIAL, { issuer: "${data.azurerm_kubernetes_cluster.Existing.oidc_issuer_url}" }, withCluster));
  });
  test("AKSWI_003 fails for a copied issuer URL", () =>
    expectFail(
      "AKSWI_003",
      doc(CREDENTIAL, { issuer: "https://eastus.oic.prod-aks.azure.com/tenant/cluster/" }, withCluster),
      issuerFix,
      'issuer is the literal "https://eastus.oic.prod-aks.azure.com/tenant/cluster/"',
    ));
  test("AKSWI_003 fails for a variable, another attribute, or a cluster the configuration does not declare", () => {
    for (const [issuer, found] of [
      ["${var.issuer}", 'issuer is "${var.issuer}"'],
      ["${azurerm_kubernetes_cluster.Cluster.fqdn}", 'issuer is "${azurerm_kubernetes_cluster.Cluster.fqdn}"'],
      ["${azurerm_kubernetes_cluster.Gone.oidc_issuer_url}", 'issuer is "${azurerm_kubernetes_cluster.Gone.oidc_issuer_url}"'],
    ]) {
      expectFail("AKSWI_003", doc(CREDENTIAL, { issuer }, withCluster), issuerFix, found);
    }
  });

  // The regex parser policy had before lib/terraform-json read neither an instance key nor spaces inside ${…}, so these failed.
  test("AKSWI_003 passes for an issuer from one instance of a counted cluster, or written with spaces", () => {
    expectPass("AKSWI_003", doc(CREDENTIAL, { issuer: "${azurerm_kubernetes_cluster.Cluster[0].oidc_issuer_url}" }, withCluster));
    expectPass("AKSWI_003", doc(CREDENTIAL, { issuer: "${ azurerm_kubernetes_cluster.Cluster.oidc_issuer_url }" }, withCluster));
  });
  test("AKSWI_003 fails for Terraform's escape of a literal ${, which references nothing", () =>
    expectFail("AKSWI_003", doc(CREDENTIAL, { issuer: "$${azurerm_kubernetes_cluster.Cluster.oidc_issuer_url}" }, withCluster), issuerFix, 'issuer is the literal "$${azurerm_kubernetes_cluster.Cluster.oidc_issuer_url}"'));

  const workload = "${azurerm_user_assigned_identity.Workload.principal_id}";
  test("AKSWI_004 passes for a workload identity with a reader role, and for principals that are not workload identities", () => {
    expectPass("AKSWI_004", doc(ROLE, { principal_id: workload, role_definition_name: "Key Vault Secrets User", scope: "${azurerm_key_vault.Vault.id}" }));
    expectPass("AKSWI_004", doc(ROLE, { principal_id: "${data.azurerm_client_config.Deployer.object_id}", role_definition_name: "Owner", scope: "/subscriptions/x" }));
  });
  const privilegedFix =
    'AKSWI_004 stack/Main: A workload identity must not be Owner, Contributor, User Access Administrator or RBAC Administrator — grant the narrowest data-plane role the workload needs (e.g. "Key Vault Secrets User") on the resource it uses';
  // The old parser missed `[0]` and `["team-a"]`, so an identity made with count or for_each was not seen as a workload identity and these passed.
  test("AKSWI_004 fails for an instance of a counted or for_each workload identity made Owner", () => {
    for (const principal of ["${azurerm_user_assigned_identity.Workload[0].principal_id}", '${azurerm_user_assigned_identity.Workload["team-a"].principal_id}']) {
      expectFail("AKSWI_004", doc(ROLE, { principal_id: principal, role_definition_name: "Owner", scope: "${azurerm_resource_group.Rg.id}" }), privilegedFix, 'role_definition_name is "Owner"');
    }
  });
  test("AKSWI_004 fails when a workload identity is made Contributor, by name or definition id", () => {
    expectFail("AKSWI_004", doc(ROLE, { principal_id: workload, role_definition_name: "Contributor", scope: "${azurerm_resource_group.Rg.id}" }), privilegedFix, 'role_definition_name is "Contributor"');
    const ownerId = "/subscriptions/0000/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    expectFail("AKSWI_004", doc(ROLE, { principal_id: workload, role_definition_id: ownerId, scope: "${azurerm_resource_group.Rg.id}" }), privilegedFix, `role_definition_id is "${ownerId}"`);
    expect(run("AKSWI_004", doc(ROLE, { principal_id: workload, role_definition_name: "user access administrator", scope: "/" })).findings).toHaveLength(1);
  });

  const readerFix =
    'AKSWI_005 stack/Main: A workload identity\'s Key Vault role must be a data-plane reader role at vault scope or narrower — grant "Key Vault Secrets User" (or "Key Vault Reader", "Key Vault Certificate User") with scope the vault\'s id or a secret\'s resource_versionless_id (RbacKeyVault.grantSecretsRead / grantSecretRead)';
  test("AKSWI_005 passes for Secrets User on a vault, on a secret, or on a vault's ARM id", () => {
    expectPass("AKSWI_005", doc(ROLE, { principal_id: workload, role_definition_name: "Key Vault Secrets User", scope: "${azurerm_key_vault.Vault.id}" }));
    expectPass("AKSWI_005", doc(ROLE, { principal_id: workload, role_definition_name: "Key Vault Secrets User", scope: "${azurerm_key_vault_secret.Secret.resource_versionless_id}" }));
    expectPass("AKSWI_005", doc(ROLE, { principal_id: workload, role_definition_name: "Key Vault Reader", scope: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv" }));
    // The deployer writes secrets as Secrets Officer; it is not a workload identity.
    expectPass("AKSWI_005", doc(ROLE, { principal_id: "${data.azurerm_client_config.Deployer.object_id}", role_definition_name: "Key Vault Secrets Officer", scope: "${azurerm_key_vault.Vault.id}" }));
  });
  test("AKSWI_005 fails for a writing role on the vault", () =>
    expectFail(
      "AKSWI_005",
      doc(ROLE, { principal_id: workload, role_definition_name: "Key Vault Secrets Officer", scope: "${azurerm_key_vault.Vault.id}" }),
      readerFix,
      'role_definition_name is "Key Vault Secrets Officer"',
    ));
  test("AKSWI_005 fails for a reader role on the whole resource group, and names both problems", () => {
    expectFail(
      "AKSWI_005",
      doc(ROLE, { principal_id: workload, role_definition_name: "Key Vault Secrets User", scope: "${azurerm_resource_group.Rg.id}" }),
      readerFix,
      'scope is "${azurerm_resource_group.Rg.id}"',
    );
    expect(
      run("AKSWI_005", doc(ROLE, { principal_id: workload, role_definition_id: "/providers/Microsoft.Authorization/roleDefinitions/00482a5a-887f-4fb3-b363-3b7fe8e74483", scope: "/subscriptions/0" })).findings[0].found,
    ).toBe('role_definition_id is "/providers/Microsoft.Authorization/roleDefinitions/00482a5a-887f-4fb3-b363-3b7fe8e74483"; scope is "/subscriptions/0"');
  });

  test("AKSWI_006 passes for values from input variables", () => {
    expectPass("AKSWI_006", doc(SECRET, { value_wo: "${var.keyvault_secret_value}" }));
    expectPass("AKSWI_006", doc(SECRET, { value_wo: '${var.keyvault_additional_secret_values["db-password"]}' }));
    expectPass("AKSWI_006", doc(SECRET, { value: '${lookup(var.values, "db-password")}' }));
    // Optional, for plans without the secret: empty while absent, beside the precondition that stops an apply without it.
    const optional = '${var.keyvault_secret_value == null ? "" : var.keyvault_secret_value}';
    const guard = (value: string) => ({ lifecycle: { precondition: [{ condition: `\${(try(length(${value.slice(2, -1)}) > 0, false)) || timestamp() == ""}`, error_message: "set it" }] } });
    expectPass("AKSWI_006", doc(SECRET, { value_wo: optional, ...guard(optional) }));
    const keyed = '${var.values == null ? "" : lookup(var.values, "db-password", "")}';
    expectPass("AKSWI_006", doc(SECRET, { value_wo: keyed, ...guard(keyed) }));
  });
  test("AKSWI_006 fails for an optional value without the precondition that stops an apply writing it empty (found by an attack)", () => {
    const optional = '${var.keyvault_secret_value == null ? "" : var.keyvault_secret_value}';
    const found = "value_wo is empty while its variable is absent, and no precondition stops an apply without it (RbacKeyVault's valueSupplied writes one)";
    expect(run("AKSWI_006", doc(SECRET, { value_wo: optional })).findings.map((f) => f.found)).toEqual([found]);
    // A precondition on another value, or one that does not stop the apply, is not the guard.
    const otherGuard = { lifecycle: { precondition: [{ condition: '${(try(length(var.other == null ? "" : var.other) > 0, false)) || timestamp() == ""}' }] } };
    expect(run("AKSWI_006", doc(SECRET, { value_wo: optional, ...otherGuard })).findings.map((f) => f.found)).toEqual([found]);
    const alwaysTrue = { lifecycle: { precondition: [{ condition: "${true}" }] } };
    expect(run("AKSWI_006", doc(SECRET, { value_wo: optional, ...alwaysTrue })).findings.map((f) => f.found)).toEqual([found]);
  });
  test.each([
    ['${var.keyvault_secret_value == null ? "Hello!" : var.keyvault_secret_value}'],
    ['${var.a == null ? "" : var.b}'],
    ['${var.values == null ? "" : lookup(var.values, "db-password", "Hello!")}'],
    ['${var.values == null ? "" : lookup(var.other, "db-password", "")}'],
    ['${var.a == null ? "" : var.a}${"Hello!"}'],
  ])("AKSWI_006 fails for an optional variable whose fallback or second reference is not the same empty variable: %s", (value) =>
    expect(run("AKSWI_006", doc(SECRET, { value_wo: value })).findings[0].found).toBe("value_wo is an expression other than an input variable"));
  test("AKSWI_006 fails for a literal value, without repeating it", () =>
    expectFail(
      "AKSWI_006",
      doc(SECRET, { value: "Hello!" }),
      "AKSWI_006 stack/Main: A secret's value must come from an input variable, never a literal in the configuration — write value_wo = var.<ephemeral, sensitive variable> (RbacKeyVault with secretVariable does) and supply it as TF_VAR_<name>",
      "value is a literal",
    ));
  test("AKSWI_006 fails for an expression that is not an input variable", () =>
    expect(run("AKSWI_006", doc(SECRET, { value_wo: "${random_password.Password.result}" })).findings[0].found).toBe("value_wo is an expression other than an input variable"));

  test("AKSWI_007 passes when the pod or every container runs as non-root", () => {
    expectPass("AKSWI_007", doc("kubernetes_pod_v1", { spec: { security_context: { run_as_non_root: true }, container: [{ name: "app" }] } }));
    expectPass("AKSWI_007", doc("kubernetes_pod", { spec: [{ container: [{ name: "app", security_context: { run_as_non_root: true } }] }] }));
  });
  test("AKSWI_007 fails, as a warning, when a container may run as root", () => {
    expectFail(
      "AKSWI_007",
      doc("kubernetes_pod_v1", { spec: { security_context: { run_as_non_root: true }, container: [{ name: "app", security_context: { run_as_non_root: false } }] } }),
      "AKSWI_007 stack/Main: Pods must run as a non-root user — set security_context.run_as_non_root = true (with a run_as_user) on the pod or each container",
      'container "app" has run_as_non_root false',
    );
    expect(run("AKSWI_007", doc("kubernetes_pod_v1", { spec: { container: [{ name: "oidc" }] } })).findings.map((f) => [f.severity, f.found])).toEqual([
      ["warning", 'container "oidc" has run_as_non_root absent'],
    ]);
  });

  test("AKSWI_007 is unknown when every container that is not known to run as non-root takes it from an expression", () => {
    expectUnknown("AKSWI_007", doc("kubernetes_pod_v1", { spec: { container: [{ name: "app", security_context: { run_as_non_root: "${var.non_root}" } }] } }), 'container "app" has run_as_non_root "${var.non_root}"');
    // One literal failure decides it.
    const mixed = doc("kubernetes_pod_v1", { spec: { container: [{ name: "a", security_context: { run_as_non_root: "${var.non_root}" } }, { name: "b" }] } });
    expect(run("AKSWI_007", mixed).findings.map((f) => f.found)).toEqual(['container "a" has run_as_non_root "${var.non_root}"; container "b" has run_as_non_root absent']);
  });

  test("AKSWI_008 passes when every container's root filesystem is read-only", () =>
    expectPass("AKSWI_008", doc("kubernetes_pod_v1", { spec: { container: [{ name: "app", security_context: { read_only_root_filesystem: true } }] } })));
  test("AKSWI_008 fails, as a warning, for a writable root filesystem, init containers included", () => {
    expectFail(
      "AKSWI_008",
      doc("kubernetes_pod_v1", { spec: { container: [{ name: "app", security_context: { read_only_root_filesystem: true } }], init_container: [{ name: "init" }] } }),
      "AKSWI_008 stack/Main: Pods must have a read-only root filesystem — set security_context.read_only_root_filesystem = true on each container, with an empty_dir volume where it must write",
      'container "init" has read_only_root_filesystem absent',
    );
    expect(run("AKSWI_008", doc("kubernetes_pod_v1", { spec: { container: [{ name: "app" }] } })).findings[0].severity).toBe("warning");
  });
});

test("every rule has a passing and a failing case in this file", () => {
  const source = fs.readFileSync(__filename, "utf8").replace(/\s+/g, "");
  const untested = RULES.map((r) => r.id).filter((id) => !source.includes(`expectPass("${id}"`) || !source.includes(`expectFail("${id}"`));
  expect(untested).toEqual([]);
});
