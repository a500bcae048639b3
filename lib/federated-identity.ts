import { FederatedIdentityCredential } from "@cdktf/provider-azurerm/lib/federated-identity-credential";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { IOidcIssuer, IResourceGroupRef, IWorkloadPrincipal } from "./interfaces";

/** The only audience Entra ID accepts for Kubernetes service account token exchange. */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/** The annotation the workload identity webhook reads the client id from. */
export const CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id";

export interface FederatedIdentityProps {
  /** The cluster whose OIDC issuer the credential trusts. */
  readonly cluster: IOidcIssuer;
  /** Resource group of the identity; the federated credential must be in the same one. */
  readonly resourceGroup: IResourceGroupRef;
  /** Name of the user-assigned managed identity. */
  readonly identityName: string;
  /** Name of the federated identity credential. */
  readonly federatedCredentialName: string;
  /**
   * Namespace of the service account; it must exist.
   * @default "default"
   */
  readonly namespace?: string;
  /** Name of the Kubernetes service account to create. */
  readonly serviceAccountName: string;
  /**
   * Tags on the managed identity.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A user-assigned managed identity, a Kubernetes service account annotated with its client id, and
 * the federated identity credential that lets tokens of that service account, issued by the
 * cluster, stand in for the identity.
 */
export class FederatedIdentity extends Construct implements IWorkloadPrincipal {
  public readonly clientId: string;
  public readonly principalId: string;
  public readonly identityId: string;
  public readonly identityName: string;
  public readonly serviceAccountName: string;
  public readonly serviceAccountNamespace: string;
  /** `system:serviceaccount:<namespace>:<name>`, read from the service account resource. */
  public readonly subject: string;
  /** Depend on this to start workloads only once the credential exists. */
  public readonly credential: ITerraformDependable;

  constructor(scope: Construct, id: string, props: FederatedIdentityProps) {
    super(scope, id);

    const identity = new UserAssignedIdentity(this, "Identity", {
      name: props.identityName,
      resourceGroupName: props.resourceGroup.name,
      location: props.resourceGroup.location,
      tags: props.tags ? { ...props.tags } : undefined,
    });

    const serviceAccount = new ServiceAccountV1(this, "ServiceAccount", {
      metadata: {
        name: props.serviceAccountName,
        namespace: props.namespace ?? "default",
        annotations: { [CLIENT_ID_ANNOTATION]: identity.clientId },
      },
    });
    const metadata = serviceAccount.metadata;

    this.clientId = identity.clientId;
    this.principalId = identity.principalId;
    this.identityId = identity.id;
    this.identityName = identity.name;
    this.serviceAccountName = metadata.name;
    this.serviceAccountNamespace = metadata.namespace;
    // Read back from the resource so the subject can never disagree with the account it names.
    this.subject = `system:serviceaccount:${metadata.namespace}:${metadata.name}`;

    this.credential = new FederatedIdentityCredential(this, "Credential", {
      name: props.federatedCredentialName,
      // azurerm 4.x requires the credential in its identity's resource group.
      resourceGroupName: identity.resourceGroupName,
      parentId: identity.id,
      issuer: props.cluster.oidcIssuerUrl,
      subject: this.subject,
      audience: [TOKEN_EXCHANGE_AUDIENCE],
    });
  }
}
