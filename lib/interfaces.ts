import { ITerraformDependable, TerraformProvider } from "cdktf";
import { IConstruct } from "constructs";

/** A resource group, created here or looked up; `ResourceGroup` and its data source both satisfy it. */
export interface IResourceGroupRef {
  /** Name of the group. */
  readonly name: string;
  /** Azure region of the group, e.g. `eastus`; resources placed in the group are created there. */
  readonly location: string;
}

/** The principal running Terraform; `DataAzurermClientConfig` satisfies it. */
export interface IDeployingPrincipal {
  /** Entra ID tenant of the principal. */
  readonly tenantId: string;
  /** Object id of the principal in Entra ID. */
  readonly objectId: string;
}

/** A cluster whose OIDC issuer Entra ID can trust for federated credentials. */
export interface IOidcIssuer {
  /** The issuer URL exactly as the cluster publishes it, trailing slash included. */
  readonly oidcIssuerUrl: string;
}

/** A principal that a role can be granted to. */
export interface IWorkloadPrincipal extends IConstruct {
  /** Object id of the principal in Entra ID. */
  readonly principalId: string;
}

/** How a Kubernetes provider block reaches a cluster: a client certificate, or a credential plugin. */
export interface KubernetesConnection {
  /** URL of the API server. */
  readonly host: string;
  /** PEM of the cluster's certificate authority, decoded. */
  readonly clusterCaCertificate: string;
  /**
   * PEM of the client certificate, decoded.
   * @default - none: the credential plugin in `exec` signs in
   */
  readonly clientCertificate?: string;
  /**
   * PEM of the client certificate's key, decoded.
   * @default - none: the credential plugin in `exec` signs in
   */
  readonly clientKey?: string;
  /**
   * A credential plugin that prints a token (`kubelogin` when local accounts are disabled).
   * @default - none: the client certificate signs in
   */
  readonly exec?: { readonly apiVersion: string; readonly command: string; readonly args: readonly string[] };
}

/** Options of `ICluster.requireWorkloadIdentity`. */
export interface RequireWorkloadIdentityOptions {
  /**
   * The Kubernetes provider to ask the cluster through, when a check must ask it.
   * @default - the stack's Kubernetes provider
   */
  readonly provider?: TerraformProvider;
  /**
   * What must exist before the cluster can be asked, such as the deployer's AKS RBAC role on a
   * cluster without local accounts: the check then waits for it, moving from plan to apply.
   * @default - nothing: the check runs at plan
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * An AKS cluster with an OIDC issuer, new, adopted (`AksOidcCluster`) or existing
 * (`AksOidcCluster.fromExisting`): what federated identities and Kubernetes providers need of it.
 */
export interface ICluster extends IOidcIssuer, IConstruct {
  /** Name of the cluster. */
  readonly clusterName: string;
  /** ARM id of the cluster, the scope of role assignments on it. */
  readonly clusterId: string;
  /** Name of the cluster's resource group. */
  readonly resourceGroupName: string;
  /** How a Kubernetes provider reaches the cluster's API server. */
  readonly kubernetesConnection: KubernetesConnection;
  /**
   * Makes sure pods labelled `azure.workload.identity/use` get a token: a cluster this stack
   * configures has workload identity turned on by its own settings (nothing to add, unless it was
   * turned off, which throws); an existing cluster is asked at plan whether its webhook is configured.
   * @returns what to depend on for the check (empty when there is nothing to check)
   */
  requireWorkloadIdentity(options?: RequireWorkloadIdentityOptions): readonly ITerraformDependable[];
}
