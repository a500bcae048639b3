import { IConstruct } from "constructs";

/** A resource group, created here or looked up; `ResourceGroup` and its data source both satisfy it. */
export interface IResourceGroupRef {
  readonly name: string;
  readonly location: string;
}

/** The principal running Terraform; `DataAzurermClientConfig` satisfies it. */
export interface IDeployingPrincipal {
  readonly tenantId: string;
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
  readonly host: string;
  readonly clusterCaCertificate: string;
  readonly clientCertificate?: string;
  readonly clientKey?: string;
  readonly exec?: { readonly apiVersion: string; readonly command: string; readonly args: readonly string[] };
}
