import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";
import { KeyVaultSecret } from "@cdktf/provider-azurerm/lib/key-vault-secret";
import { KubernetesCluster } from "@cdktf/provider-azurerm/lib/kubernetes-cluster";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { PodV1 } from "@cdktf/provider-kubernetes/lib/pod-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Testing, TerraformStack, TerraformVariable } from "cdktf";
import { ConfigError } from "../lib/config/errors";
import { applyPolicy } from "../lib/policy/apply";
import { ARTICLE_SUPPRESSIONS } from "../lib/policy/article-exceptions";
import { evaluatePolicy, ruleOutcomes, rulesPassed } from "../lib/policy/engine";
import { recordedSuppressions } from "../lib/policy/record";
import { RULES } from "../lib/policy/rules";
import { suppressionIdProblems, validateSuppressions } from "../lib/policy/suppressions";
import { synthApp, withPlainStackTraces, renderOnlyApp } from "./helpers";

/** The app's stack for `raw`, as the JSON the policy reads (with construct paths, unlike Testing.synth). */
function appJson(raw: unknown = {}): unknown {
  return withPlainStackTraces(() => synthApp(raw).stack.toTerraform());
}

const DEFAULT_JSON = appJson();
const HARDENED_JSON = appJson({ cluster: { localAccountsDisabled: true } });

describe("the article's configuration", () => {
  test("has no unsuppressed finding with ARTICLE_SUPPRESSIONS, and uses every one of them", () => {
    const result = evaluatePolicy(DEFAULT_JSON, ARTICLE_SUPPRESSIONS);
    expect(result.findings).toEqual([]);
    expect(result.unusedSuppressions).toEqual([]);
    const documented = new Map(ARTICLE_SUPPRESSIONS.map((s) => [s.id, s.reason]));
    for (const s of result.suppressed) expect(s.reason).toBe(documented.get(s.ruleId));
  });

  test("fails exactly what the article omits when nothing is suppressed", () => {
    const result = evaluatePolicy(DEFAULT_JSON, []);
    const cluster = "aks-workload-identity/Cluster/Cluster";
    const vault = "aks-workload-identity/KeyVault/Vault";
    const secret = "aks-workload-identity/KeyVault/Secret";
    const pod = "aks-workload-identity/VerificationPod/Pod";
    expect(result.findings.map((f) => `${f.severity} ${f.ruleId} ${f.path}`)).toEqual([
      `error CKV_AZURE_141 ${cluster}`,
      `error CKV_AZURE_6 ${cluster}`,
      `error CKV_AZURE_115 ${cluster}`,
      `error CKV_AZURE_7 ${cluster}`,
      `error CKV_AZURE_116 ${cluster}`,
      `error CKV_AZURE_171 ${cluster}`,
      `error CKV_AZURE_170 ${cluster}`,
      `error CKV_AZURE_227 ${cluster}`,
      `error CKV_AZURE_232 ${cluster}`,
      `error CKV_AZURE_4 ${cluster}`,
      `error CKV_AZURE_109 ${vault}`,
      `error CKV_AZURE_189 ${vault}`,
      `error CKV_AZURE_114 ${secret}`,
      `error CKV_AZURE_41 ${secret}`,
      `warning AKSWI_007 ${pod}`,
      `warning AKSWI_008 ${pod}`,
    ]);
    expect(result.findings[0].message).toBe(
      "CKV_AZURE_141 aks-workload-identity/Cluster/Cluster: AKS local accounts must be disabled — set local_account_disabled = true with Entra ID and Azure RBAC (in this app: cluster.localAccountsDisabled: true)",
    );
    expect(new Set(result.findings.map((f) => f.ruleId))).toEqual(new Set(ARTICLE_SUPPRESSIONS.map((s) => s.id)));
    // Every value a rule reads is written out: nothing waits on Terraform.
    expect(result.unknown).toEqual([]);
  });

  test("passes Trivy's AZU-0016 because the vault writes its soft-delete retention", () => {
    const vault = (DEFAULT_JSON as { resource: { azurerm_key_vault: Record<string, Record<string, unknown>> } }).resource.azurerm_key_vault;
    expect(Object.values(vault).map((v) => [v.purge_protection_enabled, v.soft_delete_retention_days])).toEqual([[true, 90]]);
    expect(ruleOutcomes(evaluatePolicy(DEFAULT_JSON, ARTICLE_SUPPRESSIONS)).get("AZU-0016")).toBe("passed");
  });

  test("the hardened profile passes more rules than the default: 9 against 8", () => {
    const article = rulesPassed(evaluatePolicy(DEFAULT_JSON, ARTICLE_SUPPRESSIONS));
    const hardened = evaluatePolicy(HARDENED_JSON, ARTICLE_SUPPRESSIONS);
    expect(article).toEqual(["CKV_AZURE_110", "AZU-0016", "AKSWI_001", "AKSWI_002", "AKSWI_003", "AKSWI_004", "AKSWI_005", "AKSWI_006"]);
    expect(rulesPassed(hardened)).toEqual(["CKV_AZURE_141", ...article]);
    expect(hardened.findings).toEqual([]);
    // Its suppression is still in the default list, but no longer needed.
    expect(hardened.unusedSuppressions.map((s) => s.id)).toEqual(["CKV_AZURE_141"]);
  });

  test("with an existing cluster and vault, their rules do not apply: data sources are not configured here", () => {
    const outcomes = ruleOutcomes(evaluatePolicy(appJson({ suffix: "abc123", resourceGroup: { existing: true }, cluster: { existing: true }, keyVault: { existing: true } }), ARTICLE_SUPPRESSIONS));
    expect([...outcomes].filter(([, o]) => o === "not applicable").map(([id]) => id)).toEqual([
      "CKV_AZURE_141",
      "CKV_AZURE_6",
      "CKV_AZURE_115",
      "CKV_AZURE_7",
      "CKV_AZURE_116",
      "CKV_AZURE_171",
      "CKV_AZURE_170",
      "CKV_AZURE_227",
      "CKV_AZURE_232",
      "CKV_AZURE_4",
      "CKV_AZURE_110",
      "AZU-0016",
      "CKV_AZURE_109",
      "CKV_AZURE_189",
      "AKSWI_001",
    ]);
    // The credential trusts the looked-up cluster's issuer, a reference all the same.
    expect(outcomes.get("AKSWI_003")).toBe("passed");
  });

  test("least-privilege grants on single secrets pass AKSWI_005 for every workload", () => {
    const result = evaluatePolicy(
      appJson({
        keyVault: { additionalSecrets: ["db-password"] },
        workloads: [
          { serviceAccount: "api", identity: "id-api", secrets: ["my-secret{suffix}"] },
          { serviceAccount: "db", identity: "id-db", secrets: ["db-password"] },
        ],
      }),
      ARTICLE_SUPPRESSIONS,
    );
    expect(result.findings).toEqual([]);
    expect(result.passed.filter((p) => p.ruleId === "AKSWI_005").map((p) => p.path)).toEqual([
      "aks-workload-identity/KeyVault/DeployerSecretsOfficer",
      "aks-workload-identity/KeyVault/SecretUser-id-api-my-secret{suffix}",
      "aks-workload-identity/KeyVault/SecretUser-id-db-db-password",
    ]);
  });
});

describe("evaluatePolicy", () => {
  const cluster = { resource: { azurerm_kubernetes_cluster: { Aks: { name: "aks" } } } };

  test("names resources by their Terraform address when the JSON has no construct paths", () => {
    expect(evaluatePolicy(cluster, []).findings[0].message).toMatch(/^CKV_AZURE_141 azurerm_kubernetes_cluster\.Aks: /);
  });

  test("skips data sources", () => {
    const result = evaluatePolicy({ data: { azurerm_kubernetes_cluster: { Aks: { name: "aks" } }, azurerm_key_vault: { Kv: { name: "kv" } } } }, []);
    expect(result).toEqual({ findings: [], unknown: [], suppressed: [], passed: [], unusedSuppressions: [] });
  });

  test("a suppression covers every failure of its rule and carries its reason", () => {
    const two = { resource: { azurerm_kubernetes_cluster: { A: { name: "a" }, B: { name: "b" } } } };
    const result = evaluatePolicy(two, [{ id: "CKV_AZURE_170", reason: "Development clusters." }]);
    expect(result.suppressed.filter((s) => s.ruleId === "CKV_AZURE_170").map((s) => [s.address, s.reason])).toEqual([
      ["azurerm_kubernetes_cluster.A", "Development clusters."],
      ["azurerm_kubernetes_cluster.B", "Development clusters."],
    ]);
    expect(result.findings.some((f) => f.ruleId === "CKV_AZURE_170")).toBe(false);
  });

  test("an expression a rule turns on is unknown, apart from passes and failures, and a suppression accepts it", () => {
    const tf = { resource: { azurerm_kubernetes_cluster: { Aks: { name: "aks", sku_tier: "${var.tier}" } } } };
    const open = evaluatePolicy(tf, []);
    expect(open.unknown.map((u) => [u.ruleId, u.found, u.message])).toEqual([
      ["CKV_AZURE_170", 'sku_tier is "${var.tier}"', 'CKV_AZURE_170 azurerm_kubernetes_cluster.Aks: AKS must use the Standard (paid, SLA-backed) tier — unknown until Terraform evaluates it (sku_tier is "${var.tier}")'],
    ]);
    expect(open.findings.some((f) => f.ruleId === "CKV_AZURE_170")).toBe(false);
    expect(ruleOutcomes(open).get("CKV_AZURE_170")).toBe("unknown");
    const accepted = evaluatePolicy(tf, [{ id: "CKV_AZURE_170", reason: "The tier is chosen per environment." }]);
    expect(accepted.unknown).toEqual([]);
    expect(accepted.suppressed.filter((s) => s.ruleId === "CKV_AZURE_170").map((s) => s.outcome)).toEqual(["unknown"]);
    expect(accepted.unusedSuppressions).toEqual([]);
  });

  test("fails when a suppression has no reason", () => {
    expect(() => evaluatePolicy(cluster, [{ id: "CKV_AZURE_170", reason: " " }])).toThrow(ConfigError);
  });
});

describe("validateSuppressions", () => {
  test("accepts the article's suppressions and an empty list", () => {
    expect(validateSuppressions(ARTICLE_SUPPRESSIONS)).toEqual([]);
    expect(validateSuppressions([])).toEqual([]);
  });

  test("fails when a suppression has no reason, or an empty one", () => {
    expect(validateSuppressions([{ id: "CKV_AZURE_141" }, { id: "CKV_AZURE_170", reason: "  " }])).toEqual([
      {
        path: "policy.suppressions[0].reason",
        value: undefined,
        problem: "is required and must not be empty: every exception says why it is acceptable",
        fix: "write one sentence on what is deliberately omitted and why, or remove the suppression",
      },
      {
        path: "policy.suppressions[1].reason",
        value: "  ",
        problem: "is required and must not be empty: every exception says why it is acceptable",
        fix: "write one sentence on what is deliberately omitted and why, or remove the suppression",
      },
    ]);
  });

  test("fails for an unknown id, a covered public id, a duplicate and a missing id, all at once", () => {
    const problems = validateSuppressions(
      [
        { id: "CKV_AZURE_999", reason: "x" },
        { id: "CKV_AZURE_42", reason: "x" },
        { id: "CKV_AZURE_6", reason: "x" },
        { id: "CKV_AZURE_6", reason: "y" },
        { reason: "x" },
        "CKV_AZURE_7",
      ],
      { path: "exceptions" },
    );
    expect(problems.map((p) => `${p.path}: ${p.problem}; ${p.fix}`)).toEqual([
      `exceptions[0].id: is not the id of a rule; use one of ${RULES.map((r) => r.id).join(", ")}`,
      "exceptions[1].id: is checked by rule CKV_AZURE_110; suppress CKV_AZURE_110 instead",
      "exceptions[3].id: suppresses the same rule as exceptions[2]; list each rule once, with one reason",
      "exceptions[4].id: is required: the id of the rule to suppress; name a rule listed in help/policy.md, e.g. CKV_AZURE_141",
      "exceptions[5]: is not an object; write { id: <rule id>, reason: <why the exception is acceptable> }",
    ]);
  });

  test("suppressionIdProblems reports only what a per-field schema cannot see: unknown and repeated ids", () => {
    expect(suppressionIdProblems([{ reason: "" }, { id: "CKV_AZURE_7" }, { id: "CKV_AZURE_7", reason: "x" }, { id: "AKSWI_999", reason: "x" }]).map((p) => `${p.path}: ${p.problem}`)).toEqual([
      "policy.suppressions[2].id: suppresses the same rule as policy.suppressions[1]",
      "policy.suppressions[3].id: is not the id of a rule",
    ]);
  });

  test("fails when the suppressions are not a list", () => {
    expect(validateSuppressions({ id: "CKV_AZURE_6" })).toEqual([
      { path: "policy.suppressions", value: { id: "CKV_AZURE_6" }, problem: "is not a list", fix: "write a list of { id, reason } entries, or [] to suppress nothing" },
    ]);
  });
});

describe("applyPolicy", () => {
  /** A bare stack with a cluster and a vault made straight from provider classes, not this project's constructs. */
  function bareStack(hardened: boolean): TerraformStack {
    const stack = new TerraformStack(renderOnlyApp(), "bare");
    new AzurermProvider(stack, "azurerm", { features: [{}] });
    new KubernetesCluster(stack, "Aks", {
      name: "aks",
      location: "westeurope",
      resourceGroupName: "rg",
      dnsPrefix: "aks",
      defaultNodePool: { name: "system", vmSize: "Standard_D2s_v5", hostEncryptionEnabled: hardened, onlyCriticalAddonsEnabled: hardened },
      identity: { type: "SystemAssigned" },
      localAccountDisabled: hardened,
      privateClusterEnabled: hardened,
      networkProfile: { networkPlugin: "azure", networkPolicy: hardened ? "cilium" : undefined, networkDataPlane: hardened ? "cilium" : undefined },
      azurePolicyEnabled: hardened,
      automaticUpgradeChannel: hardened ? "patch" : undefined,
      skuTier: hardened ? "Standard" : "Free",
      omsAgent: hardened ? { logAnalyticsWorkspaceId: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs" } : undefined,
      oidcIssuerEnabled: true,
      workloadIdentityEnabled: true,
    });
    const vault = new KeyVault(stack, "Kv", {
      name: "kv",
      location: "westeurope",
      resourceGroupName: "rg",
      tenantId: "00000000-0000-0000-0000-000000000000",
      skuName: "standard",
      purgeProtectionEnabled: true,
      softDeleteRetentionDays: 90,
      publicNetworkAccessEnabled: !hardened,
      networkAcls: { defaultAction: hardened ? "Deny" : "Allow", bypass: "AzureServices" },
    });
    const value = new TerraformVariable(stack, "value", { type: "string", sensitive: true });
    new KeyVaultSecret(stack, "Secret", {
      name: "s",
      keyVaultId: vault.id,
      valueWo: value.stringValue,
      valueWoVersion: 1,
      contentType: hardened ? "text/plain" : undefined,
      expirationDate: hardened ? "2026-12-31T00:00:00Z" : undefined,
    });
    return stack;
  }

  test("a hardened stack built from provider classes synthesizes with no suppression", () => {
    const stack = bareStack(true);
    applyPolicy(stack, { suppressions: [] });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(rulesPassed(evaluatePolicy(stack.toTerraform(), []))).toEqual([
      "CKV_AZURE_141",
      "CKV_AZURE_6",
      "CKV_AZURE_115",
      "CKV_AZURE_7",
      "CKV_AZURE_116",
      "CKV_AZURE_171",
      "CKV_AZURE_170",
      "CKV_AZURE_227",
      "CKV_AZURE_232",
      "CKV_AZURE_4",
      "CKV_AZURE_110",
      "AZU-0016",
      "CKV_AZURE_109",
      "CKV_AZURE_189",
      "CKV_AZURE_114",
      "CKV_AZURE_41",
      "AKSWI_001",
      "AKSWI_006",
    ]);
  });

  test("fails synthesis with one line per unsuppressed error, naming the construct path", () => {
    const stack = bareStack(false);
    applyPolicy(stack, { suppressions: ARTICLE_SUPPRESSIONS.filter((s) => !["CKV_AZURE_170", "CKV_AZURE_189"].includes(s.id)) });
    expect(() => Testing.synth(stack, true)).toThrow(
      "Validation failed with the following errors:\n" +
        '  [bare] CKV_AZURE_170 bare/Aks: AKS must use the Standard (paid, SLA-backed) tier — set sku_tier = "Standard" (or "Premium")\n' +
        "  [bare] CKV_AZURE_189 bare/Kv: Key Vault public network access must be disabled or narrowed by network ACL rules — set public_network_access_enabled = false and reach the vault through a private endpoint, or list the networks that need it in network_acls.ip_rules or virtual_network_subnet_ids\n",
    );
  });

  test("synthesizes when every failure is suppressed, and records the suppressions in cdk.tf.json", () => {
    const stack = bareStack(false);
    applyPolicy(stack, { suppressions: ARTICLE_SUPPRESSIONS });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(recordedSuppressions(stack.toTerraform())).toEqual(ARTICLE_SUPPRESSIONS);
  });

  test("reports warnings as cdktf warnings on the resource's construct, once however often it synthesizes", () => {
    const stack = new TerraformStack(renderOnlyApp(), "pods");
    new KubernetesProvider(stack, "kubernetes", {});
    const pod = new PodV1(stack, "Pod", { metadata: { name: "p" }, spec: { container: [{ name: "app", image: "nginx" }] } });
    applyPolicy(stack, { suppressions: [] });
    Testing.synth(stack, true);
    Testing.synth(stack, true);
    expect(pod.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data)).toEqual([
      "AKSWI_007 pods/Pod: Pods must run as a non-root user — set security_context.run_as_non_root = true (with a run_as_user) on the pod or each container",
      "AKSWI_008 pods/Pod: Pods must have a read-only root filesystem — set security_context.read_only_root_filesystem = true on each container, with an empty_dir volume where it must write",
    ]);
  });

  test("synthesizes when a check waits on Terraform, and says so as a cdktf warning", () => {
    const stack = bareStack(true);
    const tier = new TerraformVariable(stack, "tier", { type: "string" });
    const cluster = stack.node.findChild("Aks") as KubernetesCluster;
    cluster.skuTier = tier.stringValue;
    applyPolicy(stack, { suppressions: [] });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(cluster.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => m.data)).toEqual([
      'CKV_AZURE_170 bare/Aks: AKS must use the Standard (paid, SLA-backed) tier — unknown until Terraform evaluates it (sku_tier is "${var.tier}")',
    ]);
  });

  test("fails at once, before synthesis, when a suppression has no reason", () => {
    const stack = new TerraformStack(renderOnlyApp(), "bare");
    expect(() => applyPolicy(stack, { suppressions: [{ id: "CKV_AZURE_141", reason: "" }] })).toThrow(
      "Invalid configuration (1 problem):\n" +
        '  - policy.suppressions[0].reason: is required and must not be empty: every exception says why it is acceptable (got ""); write one sentence on what is deliberately omitted and why, or remove the suppression',
    );
  });
});
