import { Sleep } from "@cdktf/provider-time/lib/sleep";
import { TerraformOutput } from "cdktf";
import { AksOidcCluster } from "../lib/aks-oidc-cluster";
import { ExistingAksOidcCluster, WORKLOAD_IDENTITY_WEBHOOK } from "../lib/existing-aks-oidc-cluster";
import { ICluster } from "../lib/interfaces";
import { synthConstructs } from "./helpers";

const PROPS = { name: "aks-platform", resourceGroupName: "rg-platform" };

describe("ExistingAksOidcCluster", () => {
  test("is what AksOidcCluster.fromExisting returns: a data source, no cluster resource", () => {
    const { tf } = synthConstructs((stack) => {
      const cluster: ICluster = AksOidcCluster.fromExisting(stack, "Cluster", PROPS);
      expect(cluster).toBeInstanceOf(ExistingAksOidcCluster);
      expect(cluster.resourceGroupName).toBe("rg-platform");
      new TerraformOutput(stack, "issuer", { value: cluster.oidcIssuerUrl });
      new TerraformOutput(stack, "id", { value: cluster.clusterId });
    });
    expect(tf.resource).toBeUndefined();
    const [[logicalId, body]] = Object.entries(tf.data.azurerm_kubernetes_cluster) as [string, Record<string, unknown>][];
    expect(body).toMatchObject({ name: "aks-platform", resource_group_name: "rg-platform" });
    expect(tf.output.issuer.value).toBe(`\${data.azurerm_kubernetes_cluster.${logicalId}.oidc_issuer_url}`);
    expect(tf.output.id.value).toBe(`\${data.azurerm_kubernetes_cluster.${logicalId}.id}`);
  });

  test("fails the plan with the az command that enables the OIDC issuer when it is off", () => {
    const { tf } = synthConstructs((stack) => AksOidcCluster.fromExisting(stack, "Cluster", PROPS));
    const [body] = Object.values(tf.data.azurerm_kubernetes_cluster) as Array<{ lifecycle: { postcondition: Array<{ condition: string; error_message: string }> } }>;
    expect(body.lifecycle.postcondition).toEqual([
      {
        condition: "${self.oidc_issuer_enabled == true}",
        error_message:
          "AKS cluster aks-platform has no OIDC issuer, so Entra ID cannot trust its tokens. Enable it (it cannot be turned off again), with workload identity: " +
          "az aks update --resource-group rg-platform --name aks-platform --enable-oidc-issuer --enable-workload-identity",
      },
    ]);
  });

  test("asks the cluster for its workload-identity webhook only when required, after what it is told to wait for", () => {
    expect(synthConstructs((stack) => AksOidcCluster.fromExisting(stack, "Cluster", PROPS)).tf.data.kubernetes_resources).toBeUndefined();
    const { tf } = synthConstructs((stack) => {
      const wait = new Sleep(stack, "Wait", { createDuration: "1s" });
      const checks = AksOidcCluster.fromExisting(stack, "Cluster", PROPS).requireWorkloadIdentity({ dependsOn: [wait] });
      expect(checks).toHaveLength(1);
    });
    const [body] = Object.values(tf.data.kubernetes_resources) as Array<Record<string, unknown>>;
    expect(body).toMatchObject({ kind: "MutatingWebhookConfiguration", field_selector: `metadata.name=${WORKLOAD_IDENTITY_WEBHOOK}`, depends_on: ["time_sleep.Wait"] });
  });

  test("signs in through kubelogin when local accounts are disabled, with the client certificate otherwise", () => {
    synthConstructs((stack) => {
      expect(AksOidcCluster.fromExisting(stack, "A", PROPS).kubernetesConnection.exec).toBeUndefined();
      expect(AksOidcCluster.fromExisting(stack, "B", { ...PROPS, localAccountsDisabled: true }).kubernetesConnection.exec?.command).toBe("kubelogin");
    });
  });
});
