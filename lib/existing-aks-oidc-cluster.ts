import { DataAzurermKubernetesCluster } from "@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-cluster";
import { DataKubernetesResources } from "@cdktf/provider-kubernetes/lib/data-kubernetes-resources";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { ICluster, KubernetesConnection, RequireWorkloadIdentityOptions } from "./interfaces";
import { NAME_RULES } from "./naming-rules";
import { kubernetesConnection } from "./private/kubelogin";
import { PropChecks } from "./private/prop-checks";

/** What a cluster that already exists is given: see `AksOidcCluster.fromExisting`. */
export interface ExistingAksOidcClusterProps {
  /** Name of the cluster: 1-63 letters, digits, '-' and '_', starting and ending with a letter or digit. */
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
 * The mutating webhook that AKS installs in kube-system when workload identity is on (the same name
 * when the webhook is installed by hand). It puts the token volume and AZURE_* variables into pods.
 */
export const WORKLOAD_IDENTITY_WEBHOOK = "azure-wi-webhook-mutating-webhook-configuration";

/**
 * An AKS cluster that already exists, looked up by name (`AksOidcCluster.fromExisting` makes one).
 * The plan fails with the `az aks update` command that fixes it when the cluster's OIDC issuer is
 * off, and, once `requireWorkloadIdentity` is called, when the cluster has no workload-identity
 * webhook configured. (azurerm's data source does not report whether workload identity is on, so
 * that is asked of the cluster itself.)
 */
export class ExistingAksOidcCluster extends Construct implements ICluster {
  /** The issuer URL exactly as the cluster publishes it, trailing slash included. */
  public readonly oidcIssuerUrl: string;
  /** Name of the cluster, read from Azure. */
  public readonly clusterName: string;
  /** ARM id of the cluster. */
  public readonly clusterId: string;
  /** Name of the cluster's resource group, as given. */
  public readonly resourceGroupName: string;
  /** How a Kubernetes provider reaches the API server: the client certificate, or kubelogin without local accounts. */
  public readonly kubernetesConnection: KubernetesConnection;

  private readonly props: ExistingAksOidcClusterProps;

  constructor(scope: Construct, id: string, props: ExistingAksOidcClusterProps) {
    super(scope, id);
    const checks = new PropChecks(this);
    checks.name("name", props.name, NAME_RULES.clusterName);
    checks.name("resourceGroupName", props.resourceGroupName, NAME_RULES.resourceGroupName);
    checks.throwIfAny();
    this.props = props;
    this.resourceGroupName = props.resourceGroupName;
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

  /**
   * Fails the plan when the cluster has no workload-identity webhook configured: pods labelled
   * `azure.workload.identity/use` would then start without a token. Reads the cluster's
   * MutatingWebhookConfigurations through `provider` (the stack's Kubernetes provider by default), so
   * the plan needs the API server and the right to list them. It proves the webhook is configured,
   * not that it is serving; `npm run verify` shows that.
   * Pass `dependsOn` when Terraform gains the right to read them in this same apply (a role
   * assignment on a cluster without local accounts): the read then waits for it, and the check
   * moves from plan to apply.
   * @returns the check (a data source), to depend on
   */
  public requireWorkloadIdentity(options: RequireWorkloadIdentityOptions = {}): readonly ITerraformDependable[] {
    const { name, resourceGroupName } = this.props;
    const check = new DataKubernetesResources(this, "WorkloadIdentityWebhook", {
      provider: options.provider,
      dependsOn: options.dependsOn?.length ? [...options.dependsOn] : undefined,
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "MutatingWebhookConfiguration",
      fieldSelector: `metadata.name=${WORKLOAD_IDENTITY_WEBHOOK}`,
      lifecycle: {
        postcondition: [
          {
            // A null list (nothing read) counts as no webhook.
            condition: "${try(length(self.objects) > 0, false)}",
            errorMessage:
              `AKS cluster ${name} has no workload identity webhook configured (${WORKLOAD_IDENTITY_WEBHOOK}), so pods get ` +
              `no Entra ID token. Enable it: az aks update --resource-group ${resourceGroupName} --name ${name} --enable-workload-identity`,
          },
        ],
      },
    });
    return [check];
  }
}
