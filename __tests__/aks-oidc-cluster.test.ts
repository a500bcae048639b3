import { KubernetesCluster } from "@cdktf/provider-azurerm/lib/kubernetes-cluster";
import { TerraformOutput, TerraformVariable } from "cdktf";
import { AksOidcCluster } from "../lib/aks-oidc-cluster";
import { FAKE_RESOURCE_GROUP, onlyResource, synthConstructs } from "./helpers";

describe("AksOidcCluster", () => {
  test("enables the OIDC issuer and workload identity with a system-assigned identity", () => {
    const { json } = synthConstructs((stack) => new AksOidcCluster(stack, "Cluster", { name: "myAKSCluster", resourceGroup: FAKE_RESOURCE_GROUP }));
    expect(json).toHaveResourceWithProperties(KubernetesCluster, {
      name: "myAKSCluster",
      location: "westeurope",
      resource_group_name: "rg-test",
      oidc_issuer_enabled: true,
      workload_identity_enabled: true,
      identity: { type: "SystemAssigned" },
      default_node_pool: { name: "nodepool1", node_count: 1 },
    });
  });

  test("leaves the VM size to Azure unless given", () => {
    const { tf } = synthConstructs((stack) => new AksOidcCluster(stack, "Cluster", { name: "c1", resourceGroup: FAKE_RESOURCE_GROUP }));
    expect(onlyResource(tf, "azurerm_kubernetes_cluster").default_node_pool).not.toHaveProperty("vm_size");
    const sized = synthConstructs((stack) => new AksOidcCluster(stack, "Cluster", { name: "c1", resourceGroup: FAKE_RESOURCE_GROUP, nodeVmSize: "Standard_D2s_v5", nodeCount: 3 }));
    expect(onlyResource(sized.tf, "azurerm_kubernetes_cluster").default_node_pool).toEqual({ name: "nodepool1", node_count: 3, vm_size: "Standard_D2s_v5" });
  });

  test("can disable workload identity while the OIDC issuer stays on", () => {
    const { tf } = synthConstructs((stack) =>
      new AksOidcCluster(stack, "Cluster", { name: "c1", resourceGroup: FAKE_RESOURCE_GROUP, workloadIdentityEnabled: false }),
    );
    const cluster = onlyResource(tf, "azurerm_kubernetes_cluster");
    expect(cluster.workload_identity_enabled).toBe(false);
    expect(cluster.oidc_issuer_enabled).toBe(true);
  });

  test("derives a valid DNS prefix from a literal name", () => {
    // The longest cluster name (63), longer than a DNS prefix may be (54).
    const { tf } = synthConstructs((stack) => new AksOidcCluster(stack, "Cluster", { name: "My_AKS_Cluster_" + "x".repeat(48), resourceGroup: FAKE_RESOURCE_GROUP }));
    const prefix: string = onlyResource(tf, "azurerm_kubernetes_cluster").dns_prefix;
    expect(prefix).toMatch(/^[a-z0-9][a-z0-9-]{0,52}[a-z0-9]$/);
    expect(prefix).toHaveLength(54);
    expect(prefix.startsWith("my-aks-cluster-x")).toBe(true);
  });

  test("derives the DNS prefix with Terraform functions when the name is known only at apply", () => {
    const { tf } = synthConstructs((stack) => {
      const name = new TerraformVariable(stack, "cluster_name", { type: "string" });
      new AksOidcCluster(stack, "Cluster", { name: name.stringValue, resourceGroup: FAKE_RESOURCE_GROUP });
    });
    expect(onlyResource(tf, "azurerm_kubernetes_cluster").dns_prefix).toBe(
      '${replace(substr(lower(replace(var.cluster_name, "/[^0-9A-Za-z-]/", "-")), 0, 54), "/^-+|-+$/", "")}',
    );
  });

  test("exposes the issuer URL and decoded kube_config credentials", () => {
    let cluster: AksOidcCluster | undefined;
    const { tf } = synthConstructs((stack) => {
      cluster = new AksOidcCluster(stack, "Cluster", { name: "c1", resourceGroup: FAKE_RESOURCE_GROUP });
      new TerraformOutput(stack, "issuer", { value: cluster.oidcIssuerUrl });
      new TerraformOutput(stack, "key", { value: cluster.kubernetesConnection.clientKey, sensitive: true });
    });
    const id = onlyResource(tf, "azurerm_kubernetes_cluster").logicalId;
    expect(tf.output.issuer.value).toBe(`\${azurerm_kubernetes_cluster.${id}.oidc_issuer_url}`);
    expect(tf.output.key.value).toBe(`\${base64decode(azurerm_kubernetes_cluster.${id}.kube_config[0].client_key)}`);
  });

  const KEY = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 azureuser@myhost";
  const ID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.ContainerService/managedClusters/c1";

  test("gives the nodes the Linux admin and SSH key it is given, and none unless given", () => {
    const cluster = (linuxProfile?: { adminUsername: string; sshPublicKey: string }) =>
      onlyResource(synthConstructs((stack) => new AksOidcCluster(stack, "Cluster", { name: "c1", resourceGroup: FAKE_RESOURCE_GROUP, linuxProfile })).tf, "azurerm_kubernetes_cluster");
    expect(cluster({ adminUsername: "azureuser", sshPublicKey: KEY }).linux_profile).toEqual({ admin_username: "azureuser", ssh_key: { key_data: KEY } });
    expect(cluster()).not.toHaveProperty("linux_profile");
    expect(cluster()).not.toHaveProperty("lifecycle");
  });

  test("adopted, ignores what az aks create sets and it does not manage, so the first plan keeps the cluster", () => {
    const adopted = (linuxProfile?: { adminUsername: string; sshPublicKey: string }) =>
      onlyResource(
        synthConstructs((stack) => new AksOidcCluster(stack, "Cluster", { name: "c1", resourceGroup: FAKE_RESOURCE_GROUP, importId: ID, linuxProfile })).tf,
        "azurerm_kubernetes_cluster",
      ).lifecycle.ignore_changes;
    // The SSH key and DNS prefix force a new cluster (a new issuer URL: every credential broken);
    // the CSI drivers and upgrade settings would be switched off in place.
    expect(adopted()).toEqual(["linux_profile", "dns_prefix", "storage_profile", "default_node_pool[0].upgrade_settings"]);
    // A profile the user gives is theirs to manage.
    expect(adopted({ adminUsername: "azureuser", sshPublicKey: KEY })).toEqual(["dns_prefix", "storage_profile", "default_node_pool[0].upgrade_settings"]);
  });
});
