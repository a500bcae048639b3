import { DataAzurermKeyVault } from "@cdktf/provider-azurerm/lib/data-azurerm-key-vault";
import { DataAzurermKubernetesCluster } from "@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-cluster";
import { DataAzurermResourceGroup } from "@cdktf/provider-azurerm/lib/data-azurerm-resource-group";
import { Block, onlyResource, resources, synthApp, withPlainStackTraces } from "./helpers";

const values = (tf: Block, type: string) => Object.values(resources(tf, type));
const idOf = (tf: Block, type: string, match: (r: Block) => boolean) => Object.entries(resources(tf, type)).find(([, r]) => match(r))?.[0];

describe("shared identities", () => {
  const { tf } = synthApp({
    suffix: "abc123",
    workloads: [
      { namespace: "default", serviceAccount: "sa-1", identity: "id-shared" },
      { namespace: "batch", serviceAccount: "sa-2", identity: "id-shared" },
      { namespace: "batch", serviceAccount: "sa-3", identity: "id-shared" },
      { namespace: "web", serviceAccount: "sa-4", identity: "id-own" },
    ],
  });

  test("create one identity per name, and one service account and credential per workload", () => {
    expect(values(tf, "azurerm_user_assigned_identity").map((r) => r.name).sort()).toEqual(["id-own", "id-shared"]);
    expect(values(tf, "kubernetes_service_account_v1")).toHaveLength(4);
    expect(values(tf, "azurerm_federated_identity_credential").map((r) => r.name).sort()).toEqual([
      "fic-batch-sa-2",
      "fic-batch-sa-3",
      "fic-default-sa-1",
      "fic-web-sa-4",
    ]);
  });

  test("write one identity's credentials one after another, never concurrently", () => {
    const credential = (name: string) => `azurerm_federated_identity_credential.${idOf(tf, "azurerm_federated_identity_credential", (r) => r.name === name)}`;
    const body = (name: string) => resources(tf, "azurerm_federated_identity_credential")[credential(name).split(".")[1]];
    expect(body("fic-default-sa-1").depends_on).toBeUndefined();
    expect(body("fic-batch-sa-2").depends_on).toEqual([credential("fic-default-sa-1")]);
    expect(body("fic-batch-sa-3").depends_on).toEqual([credential("fic-batch-sa-2")]);
    // Another identity's credential is independent.
    expect(body("fic-web-sa-4").depends_on).toBeUndefined();
  });

  test("grant each identity once", () => {
    const readers = values(tf, "azurerm_role_assignment").filter((r) => r.role_definition_name === "Key Vault Secrets User");
    expect(readers).toHaveLength(2);
  });

  test("create each namespace other than default once, before its service accounts", () => {
    const namespaces = resources(tf, "kubernetes_namespace_v1");
    expect(Object.values(namespaces).map((n) => n.metadata.name).sort()).toEqual(["batch", "web"]);
    const batch = idOf(tf, "kubernetes_namespace_v1", (r) => r.metadata.name === "batch");
    const inBatch = values(tf, "kubernetes_service_account_v1").filter((sa) => sa.metadata.namespace === `\${kubernetes_namespace_v1.${batch}.metadata[0].name}`);
    expect(inBatch.map((sa) => sa.metadata.name).sort()).toEqual(["sa-2", "sa-3"]);
  });
});

describe("workload options", () => {
  test("leave a namespace alone when it is said to exist, and never create kube-system", () => {
    const { tf } = synthApp({
      workloads: [
        { namespace: "platform", namespaceExists: true, serviceAccount: "a", identity: "id-a" },
        { namespace: "kube-system", serviceAccount: "b", identity: "id-b" },
      ],
    });
    expect(resources(tf, "kubernetes_namespace_v1")).toEqual({});
    expect(values(tf, "kubernetes_service_account_v1").map((sa) => sa.metadata.namespace).sort()).toEqual(["kube-system", "platform"]);
  });

  test("annotate the tenant and token lifetime the webhook reads", () => {
    const tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    const { tf } = synthApp({ workloads: [{ serviceAccount: "a", identity: "id-a", tenantId: tenant, tokenExpiration: 7200 }] });
    expect(onlyResource(tf, "kubernetes_service_account_v1").metadata.annotations).toMatchObject({
      "azure.workload.identity/tenant-id": tenant,
      "azure.workload.identity/service-account-token-expiration": "7200",
    });
  });

  test("grant least privilege on the listed secrets only", () => {
    const { tf } = synthApp({
      suffix: "abc123",
      keyVault: { additionalSecrets: ["db-password", "api-key"] },
      workloads: [
        { serviceAccount: "a", identity: "id-a", secrets: ["my-secret{suffix}"] },
        { serviceAccount: "b", identity: "id-b", secrets: ["db-password", "API-KEY"] },
      ],
    });
    const secretRef = (name: string) => `\${azurerm_key_vault_secret.${idOf(tf, "azurerm_key_vault_secret", (r) => r.name === name)}.resource_versionless_id}`;
    const readers = values(tf, "azurerm_role_assignment").filter((r) => r.role_definition_name === "Key Vault Secrets User");
    expect(readers.map((r) => r.scope).sort()).toEqual([secretRef("my-secretabc123"), secretRef("db-password"), secretRef("api-key")].sort());
    expect(values(tf, "azurerm_key_vault_secret").map((r) => r.name).sort()).toEqual(["api-key", "db-password", "my-secretabc123"]);
  });

  test("grant the whole vault when any workload of a shared identity needs it", () => {
    const { tf } = synthApp({
      keyVault: { additionalSecrets: ["db-password"] },
      workloads: [
        { serviceAccount: "a", identity: "id-shared", secrets: ["db-password", "my-secret{suffix}"] },
        { serviceAccount: "b", identity: "id-shared" },
      ],
    });
    const readers = values(tf, "azurerm_role_assignment").filter((r) => r.role_definition_name === "Key Vault Secrets User");
    expect(readers.map((r) => r.scope)).toEqual([`\${azurerm_key_vault.${onlyResource(tf, "azurerm_key_vault").logicalId}.id}`]);
  });

  test("synthesize 1000 workloads sharing 50 identities", () => {
    const workloads = Array.from({ length: 1000 }, (_, i) => ({ namespace: `team-${i % 10}`, serviceAccount: `app-${i}`, identity: `id-${i % 50}` }));
    const { tf } = withPlainStackTraces(() => synthApp({ workloads }));
    expect(values(tf, "azurerm_user_assigned_identity")).toHaveLength(50);
    expect(values(tf, "azurerm_federated_identity_credential")).toHaveLength(1000);
    expect(values(tf, "kubernetes_namespace_v1")).toHaveLength(10);
    expect(values(tf, "azurerm_federated_identity_credential").filter((c) => c.depends_on === undefined)).toHaveLength(50);
  });
});

describe("existing and adopted resources", () => {
  const existing = { suffix: "abc123", resourceGroup: { name: "rg-platform", existing: true }, cluster: { name: "aks-platform", existing: true }, keyVault: { name: "kv-platform", existing: true } };

  test("look up the resource group, cluster and vault instead of creating them", () => {
    const { json, tf } = synthApp(existing);
    for (const type of ["azurerm_resource_group", "azurerm_kubernetes_cluster", "azurerm_key_vault"]) expect(resources(tf, type)).toEqual({});
    expect(json).toHaveDataSourceWithProperties(DataAzurermResourceGroup, { name: "rg-platform" });
    expect(json).toHaveDataSourceWithProperties(DataAzurermKubernetesCluster, { name: "aks-platform", resource_group_name: "rg-platform" });
    expect(json).toHaveDataSourceWithProperties(DataAzurermKeyVault, { name: "kv-platform" });
  });

  test("fail the plan with the fixing command when the cluster lacks the OIDC issuer or the vault purge protection or RBAC", () => {
    const { tf } = synthApp(existing);
    const cluster = Object.values(tf.data.azurerm_kubernetes_cluster as Record<string, Block>)[0];
    expect(cluster.lifecycle.postcondition).toEqual([
      {
        condition: "${self.oidc_issuer_enabled == true}",
        error_message: expect.stringContaining("az aks update --resource-group rg-platform --name aks-platform --enable-oidc-issuer --enable-workload-identity"),
      },
    ]);
    const vault = Object.values(tf.data.azurerm_key_vault as Record<string, Block>)[0];
    expect(vault.lifecycle.postcondition.map((p: Block) => [p.condition, p.error_message.match(/az keyvault update .*$/)?.[0]])).toEqual([
      ["${self.purge_protection_enabled == true}", "az keyvault update --name kv-platform --enable-purge-protection true"],
      ["${self.rbac_authorization_enabled == true}", "az keyvault update --name kv-platform --enable-rbac-authorization true"],
    ]);
  });

  test("fail the plan when the existing cluster has no workload-identity webhook configured, naming the az flag", () => {
    const { tf } = synthApp(existing);
    const webhook = Object.values(tf.data.kubernetes_resources as Record<string, Block>);
    expect(webhook).toHaveLength(1);
    expect(webhook[0]).toMatchObject({
      api_version: "admissionregistration.k8s.io/v1",
      kind: "MutatingWebhookConfiguration",
      field_selector: "metadata.name=azure-wi-webhook-mutating-webhook-configuration",
    });
    expect(webhook[0].depends_on).toBeUndefined(); // checked at plan time
    expect(webhook[0].lifecycle.postcondition).toEqual([
      {
        condition: "${try(length(self.objects) > 0, false)}",
        error_message: expect.stringContaining("az aks update --resource-group rg-platform --name aks-platform --enable-workload-identity"),
      },
    ]);
  });

  test("read the webhook only after the deployer's cluster role when local accounts are off; skip it when workload identity is off", () => {
    const hardened = synthApp({ ...existing, cluster: { ...existing.cluster, localAccountsDisabled: true } }).tf;
    const [webhook] = Object.values(hardened.data.kubernetes_resources as Record<string, Block>);
    expect(webhook.depends_on).toEqual([expect.stringMatching(/^time_sleep\./)]);
    const off = synthApp({ ...existing, cluster: { ...existing.cluster, workloadIdentityEnabled: false }, verificationPod: { enabled: false } }).tf;
    expect(off.data.kubernetes_resources).toBeUndefined();
    // A cluster created here needs no such question.
    expect(synthApp({ suffix: "abc123" }).tf.data?.kubernetes_resources).toBeUndefined();
  });

  test("connect the kubernetes provider and the credentials to the existing cluster", () => {
    const { tf } = synthApp(existing);
    const id = Object.keys(tf.data.azurerm_kubernetes_cluster)[0];
    expect(tf.provider.kubernetes[0].host).toBe(`\${data.azurerm_kubernetes_cluster.${id}.kube_config[0].host}`);
    expect(onlyResource(tf, "azurerm_federated_identity_credential").issuer).toBe(`\${data.azurerm_kubernetes_cluster.${id}.oidc_issuer_url}`);
  });

  test("adopt a cluster with an import block, turning on the OIDC issuer and workload identity", () => {
    const importId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-legacy/providers/Microsoft.ContainerService/managedClusters/aks-legacy";
    const { tf } = synthApp({ resourceGroup: { name: "rg-legacy", existing: true }, cluster: { name: "aks-legacy", importId } });
    const cluster = onlyResource(tf, "azurerm_kubernetes_cluster");
    expect(tf.import).toEqual([{ id: importId, to: `azurerm_kubernetes_cluster.${cluster.logicalId}` }]);
    expect(cluster).toMatchObject({ name: "aks-legacy", oidc_issuer_enabled: true, workload_identity_enabled: true });
    expect(tf["//"].metadata.imports).toEqual({ azurerm_kubernetes_cluster: [cluster.logicalId] });
  });

  test("adopting runs no program at synth, so it synthesizes where Terraform is not installed", () => {
    // cdktf's own importFrom ran `terraform version` in a shell at every synth, and failed without it.
    const importId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-legacy/providers/Microsoft.ContainerService/managedClusters/aks-legacy";
    const raw = { resourceGroup: { name: "rg-legacy", existing: true }, cluster: { name: "aks-legacy", importId } };
    // The module object itself (an import's namespace copy cannot be spied on), which cdktf calls through.
    const childProcess = require("child_process") as typeof import("child_process"); // eslint-disable-line @typescript-eslint/no-require-imports
    const spies = (["execSync", "execFileSync", "spawnSync"] as const).map((name) => jest.spyOn(childProcess, name));
    try {
      expect(synthApp(raw).tf.import).toHaveLength(1);
      expect(spies.flatMap((spy) => spy.mock.calls)).toEqual([]);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
