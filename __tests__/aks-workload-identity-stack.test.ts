import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config";
import { FederatedIdentityCredential } from "@cdktf/provider-azurerm/lib/federated-identity-credential";
import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";
import { KeyVaultSecret } from "@cdktf/provider-azurerm/lib/key-vault-secret";
import { KubernetesCluster } from "@cdktf/provider-azurerm/lib/kubernetes-cluster";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { PodV1 } from "@cdktf/provider-kubernetes/lib/pod-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Id } from "@cdktf/provider-random/lib/id";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { Testing, TerraformStack } from "cdktf";
import { AksWorkloadIdentityStack, DEFAULT_STACK_NAME } from "../lib/app/aks-workload-identity-stack";
import { resolveConfig } from "../lib/config/load";
import { onlyResource, ref, resources, synthApp } from "./helpers";

const HEX = "${random_id.Suffix.hex}";

describe("AksWorkloadIdentityStack with the default configuration (the article)", () => {
  const { json, tf } = synthApp();

  test("matches the snapshot", () => {
    // Written as JSON.stringify writes it: cdktf puts an empty object on two lines, cdktn on one, and
    // the same snapshot serves both (help/cdk-terrain.md).
    expect(JSON.stringify(tf, null, 2)).toMatchSnapshot();
  });

  test("replaces by deleting first: the pod and the secret have fixed names, so a copy cannot be created beside them", () => {
    const early = Object.values(tf.resource as Record<string, Record<string, { lifecycle?: { create_before_destroy?: boolean } }>>)
      .flatMap((byName) => Object.values(byName))
      .filter((r) => r.lifecycle?.create_before_destroy);
    expect(early).toEqual([]);
    expect(Object.keys(tf.resource)).toEqual(expect.arrayContaining(["kubernetes_pod_v1", "azurerm_key_vault_secret"]));
  });

  test("requires Terraform 1.11, which write-only arguments and ephemeral variables need", () => {
    expect(tf.terraform.required_version).toBe(">= 1.11");
    expect(onlyResource(tf, "azurerm_key_vault_secret")).toHaveProperty("value_wo");
    expect(tf.variable.keyvault_secret_value).toMatchObject({ ephemeral: true });
  });

  test("draws the article's RANDOM_ID from a 3-byte random_id", () => {
    expect(json).toHaveResourceWithProperties(Id, { byte_length: 3 });
  });

  test("configures azurerm, random and a kubernetes provider connected to the new cluster", () => {
    expect(json).toHaveProviderWithProperties(AzurermProvider, { features: [{}] });
    expect(json).toHaveProvider(RandomProvider);
    const kubeConfig = (attribute: string) => ref(tf, "azurerm_kubernetes_cluster", `kube_config[0].${attribute}`);
    const decoded = (attribute: string) => `\${base64decode(${kubeConfig(attribute).slice(2, -1)})}`;
    expect(json).toHaveProviderWithProperties(KubernetesProvider, {
      host: kubeConfig("host"),
      client_certificate: decoded("client_certificate"),
      client_key: decoded("client_key"),
      cluster_ca_certificate: decoded("cluster_ca_certificate"),
    });
  });

  test("keeps state beside cdktf.json through a relative local backend path", () => {
    expect(tf.terraform.backend).toEqual({ local: { path: "../../../terraform.aks-workload-identity.tfstate" } });
  });

  test("creates the resource group in eastus", () => {
    expect(json).toHaveResourceWithProperties(ResourceGroup, { name: `myResourceGroup${HEX}`, location: "eastus" });
  });

  test("creates the cluster with the OIDC issuer, workload identity and a one-node pool", () => {
    expect(json).toHaveResourceWithProperties(KubernetesCluster, {
      name: `myAKSCluster${HEX}`,
      dns_prefix: `myakscluster${HEX}`,
      oidc_issuer_enabled: true,
      workload_identity_enabled: true,
      identity: { type: "SystemAssigned" },
      default_node_pool: { name: "nodepool1", node_count: 1 },
    });
  });

  test("reads the caller's tenant and object id", () => {
    expect(json).toHaveDataSource(DataAzurermClientConfig);
    expect(onlyResource(tf, "azurerm_key_vault").tenant_id).toBe("${data.azurerm_client_config.Deployer.tenant_id}");
  });

  test("federates the article's identity with the article's service account", () => {
    expect(json).toHaveResourceWithProperties(UserAssignedIdentity, { name: `myIdentity${HEX}` });
    // cdktf's matcher compares nested blocks whole; toMatchObject allows a partial one.
    expect(onlyResource(tf, "kubernetes_service_account_v1")).toMatchObject({
      metadata: { name: `workload-identity-sa${HEX}`, namespace: "default" },
    });
    expect(json).toHaveResourceWithProperties(FederatedIdentityCredential, {
      name: `myFedIdentity${HEX}`,
      issuer: ref(tf, "azurerm_kubernetes_cluster", "oidc_issuer_url"),
      audience: ["api://AzureADTokenExchange"],
    });
  });

  test("creates a vault whose name fits Azure's 24 characters, and the article's secret", () => {
    expect(json).toHaveResourceWithProperties(KeyVault, { name: `kv-workload-id${HEX}`, purge_protection_enabled: true, rbac_authorization_enabled: true });
    // The synthesized name once the random suffix is drawn: two hex digits for each byte of the random_id.
    const suffixLength = 2 * onlyResource(tf, "random_id").byte_length;
    const name: string = onlyResource(tf, "azurerm_key_vault").name;
    expect(name.replace(HEX, "x".repeat(suffixLength)).length).toBeLessThanOrEqual(24);
    expect(json).toHaveResourceWithProperties(KeyVaultSecret, { name: `my-secret${HEX}` });
  });

  test("grants the deployer Secrets Officer and the workload identity Secrets User on the vault", () => {
    const grants = Object.values(resources(tf, "azurerm_role_assignment")).map((r) => [r.role_definition_name, r.principal_id, r.scope]);
    const vault = ref(tf, "azurerm_key_vault", "id");
    expect(grants).toEqual(
      expect.arrayContaining([
        ["Key Vault Secrets Officer", "${data.azurerm_client_config.Deployer.object_id}", vault],
        ["Key Vault Secrets User", ref(tf, "azurerm_user_assigned_identity", "principal_id"), vault],
      ]),
    );
    expect(grants).toHaveLength(2);
  });

  test("runs the verification pod in the service account's namespace", () => {
    expect(json).toHaveResource(PodV1);
    expect(onlyResource(tf, "kubernetes_pod_v1")).toMatchObject({
      metadata: {
        name: "sample-workload-identity-key-vault",
        namespace: ref(tf, "kubernetes_service_account_v1", "metadata[0].namespace"),
        labels: { "azure.workload.identity/use": "true" },
      },
    });
  });

  test("outputs what the article's later steps need", () => {
    expect(Object.keys(tf.output).sort()).toEqual([
      "cluster_name",
      "identity_client_id",
      "key_vault_url",
      "oidc_issuer_url",
      "resource_group_name",
      "secret_name",
      "service_account_name",
      "service_account_namespace",
      "workloads",
    ]);
    expect(tf.output.oidc_issuer_url.value).toBe(ref(tf, "azurerm_kubernetes_cluster", "oidc_issuer_url"));
    expect(tf.output.key_vault_url.value).toBe(ref(tf, "azurerm_key_vault", "vault_uri"));
    expect(tf.output.identity_client_id.value).toBe(ref(tf, "azurerm_user_assigned_identity", "client_id"));
  });
});

describe("AksWorkloadIdentityStack configured", () => {
  test("uses a fixed suffix literally and creates no random_id", () => {
    const { json, tf } = synthApp({ suffix: "a1b2c3" });
    expect(resources(tf, "random_id")).toEqual({});
    expect(json).toHaveResourceWithProperties(KubernetesCluster, { name: "myAKSCluster" + "a1b2c3", dns_prefix: "myaksclustera1b2c3" });
    expect(json).toHaveResourceWithProperties(KeyVault, { name: "kv-workload-ida1b2c3" });
  });

  test("takes the article's environment variables over the file", () => {
    const { json, tf } = synthApp(
      { location: "westeurope", cluster: { name: "from-file" } },
      { RANDOM_ID: "ff00ff", CLUSTER_NAME: "from-env-{suffix}", SERVICE_ACCOUNT_NAMESPACE: "apps" },
    );
    expect(json).toHaveResourceWithProperties(KubernetesCluster, { name: "from-env-ff00ff", location: "${azurerm_resource_group.ResourceGroup.location}" });
    expect(json).toHaveResourceWithProperties(ResourceGroup, { location: "westeurope" });
    expect(onlyResource(tf, "kubernetes_namespace_v1").metadata).toEqual({ name: "apps" });
    expect(onlyResource(tf, "kubernetes_service_account_v1").metadata.namespace).toBe(ref(tf, "kubernetes_namespace_v1", "metadata[0].name"));
  });

  test("disables workload identity on the cluster when asked", () => {
    const { tf } = synthApp({ cluster: { workloadIdentityEnabled: false }, verificationPod: { enabled: false } });
    expect(onlyResource(tf, "azurerm_kubernetes_cluster").workload_identity_enabled).toBe(false);
    expect(onlyResource(tf, "azurerm_kubernetes_cluster").oidc_issuer_enabled).toBe(true);
  });

  test("leaves the verification pod out when it is switched off", () => {
    const { tf } = synthApp({ verificationPod: { enabled: false } });
    expect(resources(tf, "kubernetes_pod_v1")).toEqual({});
    expect(Object.keys(resources(tf, "kubernetes_service_account_v1"))).toHaveLength(1);
  });

  test("gives every workload its own identity, credential and read access, and verifies the first", () => {
    const { tf } = synthApp({
      suffix: "abc123",
      workloads: [
        { namespace: "team-a", serviceAccount: "api", identity: "id-team-a" },
        { namespace: "team-b", serviceAccount: "worker", identity: "id-team-b", federatedCredential: "fic-b" },
      ],
    });
    const identities = Object.values(resources(tf, "azurerm_user_assigned_identity")).map((r) => r.name);
    expect(identities.sort()).toEqual(["id-team-a", "id-team-b"]);
    const credentials = Object.values(resources(tf, "azurerm_federated_identity_credential")).map((r) => r.name);
    expect(credentials.sort()).toEqual(["fic-b", "fic-team-a-api"]);
    const readers = Object.values(resources(tf, "azurerm_role_assignment")).filter((r) => r.role_definition_name === "Key Vault Secrets User");
    expect(readers).toHaveLength(2);
    expect(onlyResource(tf, "kubernetes_pod_v1").metadata.namespace).toMatch(/^\$\{kubernetes_service_account_v1\.ServiceAccounts_team-a_api_/);
    expect(tf.output.workloads.value).toHaveLength(2);
  });

  test("passes the nodes' Linux profile to the cluster, and leaves the deployer's officer role out where the deployer holds it", () => {
    const sshPublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB me@host";
    const { tf } = synthApp({
      suffix: "abc123",
      cluster: { linuxProfile: { sshPublicKey } },
      keyVault: { existing: true, name: "kv-shared", resourceGroup: "rg-shared", assignOfficerRole: false },
    });
    expect(onlyResource(tf, "azurerm_kubernetes_cluster").linux_profile).toEqual({ admin_username: "azureuser", ssh_key: { key_data: sshPublicKey } });
    const roles = Object.values(resources(tf, "azurerm_role_assignment")).map((r) => r.role_definition_name);
    expect(roles).toEqual(["Key Vault Secrets User"]);
  });
});

describe("AksWorkloadIdentityStack beside other stacks", () => {
  test("synthesizes the same resources when the app has a second stack (cdktf's full preparing pass runs then)", () => {
    const alone = synthApp({ suffix: "abc123" }).tf;
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "aks-wi-two-stacks-"));
    try {
      const app = Testing.app({ outdir });
      new AksWorkloadIdentityStack(app, DEFAULT_STACK_NAME, { config: resolveConfig({ suffix: "abc123" }).config });
      new TerraformStack(app, "other");
      app.synth();
      const together = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", DEFAULT_STACK_NAME, "cdk.tf.json"), "utf8"));
      expect(Object.keys(together.resource).length).toBeGreaterThan(5);
      expect(together.resource).toEqual(alone.resource);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
