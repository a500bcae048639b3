import { DataAzurermKubernetesCluster } from "@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-cluster";
import { Construct } from "constructs";
import { IOidcIssuer, KubernetesConnection } from "./interfaces";
import { kubernetesConnection } from "./private/kubelogin";

export interface ExistingAksOidcClusterProps {
  /** Name of the cluster. */
  readonly name: string;
  /** Resource group the cluster is in. */
  readonly resourceGroupName: string;
  /**
   * The cluster's local accounts are disabled: sign in through `kubelogin` instead of a client certificate.
   * @default false
   */
  readonly localAccountsDisabled?: boolean;
}

/**
 * An AKS cluster that already exists, looked up by name. The plan fails with the `az aks update`
 * command that fixes it when the cluster's OIDC issuer is off. (azurerm's data source does not
 * report whether workload identity is on; `az aks show --query securityProfile.workloadIdentity`
 * does, and a verification pod that gets no token shows it too.)
 */
export class ExistingAksOidcCluster extends Construct implements IOidcIssuer {
  public readonly oidcIssuerUrl: string;
  public readonly clusterName: string;
  public readonly clusterId: string;
  /** Client-certificate credentials from the cluster's `kube_config`, decoded for a Kubernetes provider. */
  public readonly kubernetesConnection: KubernetesConnection;

  constructor(scope: Construct, id: string, props: ExistingAksOidcClusterProps) {
    super(scope, id);
    const cluster = new DataAzurermKubernetesCluster(this, "Cluster", {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      lifecycle: {
        postcondition: [
          {
            condition: "${self.oidc_issuer_enabled == true}",
            errorMessage:
              `AKS cluster ${props.name} has no OIDC issuer, so Entra ID cannot trust its tokens. Enable it (it cannot be ` +
              `turned off again), with workload identity: az aks update --resource-group ${props.resourceGroupName} --name ${props.name} --enable-oidc-issuer --enable-workload-identity`,
          },
        ],
      },
    });
    this.oidcIssuerUrl = cluster.oidcIssuerUrl;
    this.clusterName = cluster.name;
    this.clusterId = cluster.id;
    this.kubernetesConnection = kubernetesConnection(cluster.kubeConfig.get(0), props.localAccountsDisabled);
  }
}
