import { FederatedIdentityCredential } from "@cdktf/provider-azurerm/lib/federated-identity-credential";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { IOidcIssuer, IResourceGroupRef, IWorkloadPrincipal } from "./interfaces";
import { NAME_RULES } from "./naming-rules";
import { MAX_CREDENTIALS_PER_IDENTITY } from "./private/limits";
import { PropChecks } from "./private/prop-checks";
import { TOKEN_EXCHANGE_AUDIENCE } from "./private/workload-identity";

export { TOKEN_EXCHANGE_AUDIENCE } from "./private/workload-identity";

/** Annotation the workload identity webhook reads from a service account: the identity's client id. */
export const CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id";
/** Annotation the workload identity webhook reads from a service account: the identity's tenant, when not the cluster's. */
export const TENANT_ID_ANNOTATION = "azure.workload.identity/tenant-id";
/** Annotation the workload identity webhook reads from a service account: the projected token's lifetime in seconds. */
export const TOKEN_EXPIRATION_ANNOTATION = "azure.workload.identity/service-account-token-expiration";

/** Lifetimes of the projected token the webhook accepts, in seconds. */
const TOKEN_EXPIRATION_SECONDS = { min: 3600, max: 86400 } as const;

export { MAX_CREDENTIALS_PER_IDENTITY };

/** A Kubernetes service account to create and federate with the identity. */
export interface ServiceAccountBinding {
  /** Name of the service account: a DNS-1123 subdomain (lowercase letters, digits, '-' and '.'). */
  readonly name: string;
  /**
   * Namespace of the service account; it must exist (pass a namespace resource's name to order them).
   * @default "default"
   */
  readonly namespace?: string;
  /** Name of the federated identity credential for this service account: 3-120 letters, digits, '-' and '_'. */
  readonly federatedCredentialName: string;
  /**
   * Tenant of the identity, when it differs from the cluster's (`azure.workload.identity/tenant-id`).
   * @default - the webhook uses the cluster's tenant
   */
  readonly tenantId?: string;
  /**
   * Lifetime of the projected token in seconds, 3600-86400 (`azure.workload.identity/service-account-token-expiration`).
   * @default - the webhook's default, 3600
   */
  readonly tokenExpirationSeconds?: number;
  /**
   * Stable part of the construct ids of this binding's resources: the credential's, `Credential-<id>`,
   * and the service account's unless `serviceAccountScope` is given.
   * @default - `<namespace>-<name>`, which must then be known at synth time
   */
  readonly id?: string;
  /**
   * Where to create the service account, and its construct id there. A scope outside the identity
   * keeps the account's Terraform address when the identity is renamed or replaced: otherwise the
   * account moves with the identity to a new address, and Kubernetes rejects creating it there while
   * the old one, of the same name, still exists (409 AlreadyExists).
   * @default - inside this identity, `ServiceAccount-<id>`
   */
  readonly serviceAccountScope?: { readonly scope: Construct; readonly id: string };
}

/** A service account federated with the identity. */
export interface BoundServiceAccount {
  /** Name of the service account, read from the resource. */
  readonly serviceAccountName: string;
  /** Namespace of the service account, read from the resource. */
  readonly serviceAccountNamespace: string;
  /** `system:serviceaccount:<namespace>:<name>`, read from the service account resource. */
  readonly subject: string;
  /** The federated credential; depend on it to start pods only once it exists. */
  readonly credential: ITerraformDependable;
  /**
   * Attributes (Terraform addresses) whose change must replace a pod running as this account: the
   * webhook injects the annotated client id (`AZURE_CLIENT_ID`) and the token of this account's uid
   * only when a pod is admitted, so a running pod keeps the old ones.
   */
  readonly replacementTriggers: readonly string[];
}

/** What a federated identity is given. */
export interface FederatedIdentityProps {
  /** The cluster whose OIDC issuer the credentials trust. */
  readonly cluster: IOidcIssuer;
  /** Resource group of the identity; the federated credentials must be in the same one. */
  readonly resourceGroup: IResourceGroupRef;
  /** Name of the user-assigned managed identity: 3-128 letters, digits, '-' and '_', starting with a letter or digit. */
  readonly identityName: string;
  /**
   * Service accounts to create and federate, at most 20 (Entra's limit per identity).
   * @default - none yet; add them with `bind`
   */
  readonly serviceAccounts?: readonly ServiceAccountBinding[];
  /**
   * What must exist before Kubernetes objects can be created, such as the deployer's AKS RBAC role.
   * @default - nothing beyond the cluster
   */
  readonly kubernetesDependsOn?: readonly ITerraformDependable[];
  /**
   * Tags on the managed identity.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A user-assigned managed identity, and for each service account bound to it: the Kubernetes
 * service account annotated with the identity's client id, and the federated identity credential
 * that lets tokens of that account, issued by the cluster, stand in for the identity.
 */
export class FederatedIdentity extends Construct implements IWorkloadPrincipal {
  /** Client (application) id of the identity: what the service accounts are annotated with. */
  public readonly clientId: string;
  /** Object id of the identity's service principal, to grant roles to. */
  public readonly principalId: string;
  /** ARM id of the identity. */
  public readonly identityId: string;
  /** Name of the identity. */
  public readonly identityName: string;
  private readonly identity: UserAssignedIdentity;
  private readonly issuer: string;
  private readonly bound: BoundServiceAccount[] = [];
  /** The index of the binding each credential name (case folded, when known at synth) and each binding id was given to. */
  private readonly credentialNames = new Map<string, number>();
  private readonly kubernetesDependsOn?: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: FederatedIdentityProps) {
    super(scope, id);
    const checks = new PropChecks(this);
    checks.name("identityName", props.identityName, NAME_RULES.identityName);
    const names = new Map<string, number>();
    (props.serviceAccounts ?? []).forEach((binding, i) => this.checkBinding(checks, binding, i, names));
    checks.throwIfAny();
    this.identity = new UserAssignedIdentity(this, "Identity", {
      name: props.identityName,
      resourceGroupName: props.resourceGroup.name,
      location: props.resourceGroup.location,
      tags: props.tags ? { ...props.tags } : undefined,
    });
    this.issuer = props.cluster.oidcIssuerUrl;
    this.kubernetesDependsOn = props.kubernetesDependsOn?.length ? [...props.kubernetesDependsOn] : undefined;
    this.clientId = this.identity.clientId;
    this.principalId = this.identity.principalId;
    this.identityId = this.identity.id;
    this.identityName = this.identity.name;
    for (const binding of props.serviceAccounts ?? []) this.create(binding);
  }

  /** Every service account bound so far, in order. */
  public get serviceAccounts(): readonly BoundServiceAccount[] {
    return [...this.bound];
  }

  /**
   * Creates a service account and the federated credential that trusts it. Throws an
   * `InvalidPropsError` listing every problem with `binding`, as `serviceAccounts[<index>]`.
   */
  public bind(binding: ServiceAccountBinding): BoundServiceAccount {
    const checks = new PropChecks(this);
    this.checkBinding(checks, binding, this.bound.length, new Map(this.credentialNames));
    checks.throwIfAny();
    return this.create(binding);
  }

  /**
   * What is wrong with the binding that would be `serviceAccounts[index]`. `names` holds the
   * credential names and ids of the bindings before it, and is given this one's.
   */
  private checkBinding(checks: PropChecks, binding: ServiceAccountBinding, index: number, names: Map<string, number>): void {
    const at = `serviceAccounts[${index}]`;
    if (index === MAX_CREDENTIALS_PER_IDENTITY) {
      checks.add({
        prop: at,
        problem: `would be federated credential number ${index + 1} of this identity; Entra ID allows at most ${MAX_CREDENTIALS_PER_IDENTITY} per managed identity`,
        fix: "federate the other service accounts with another identity",
      });
    }
    checks.name(`${at}.name`, binding.name, NAME_RULES.serviceAccountName);
    checks.name(`${at}.namespace`, binding.namespace, NAME_RULES.namespace);
    checks.name(`${at}.federatedCredentialName`, binding.federatedCredentialName, NAME_RULES.federatedCredentialName);
    const key = bindingId(binding);
    if (!Token.isUnresolved(key)) {
      const earlier = names.get(`id ${key}`);
      if (earlier === undefined) names.set(`id ${key}`, index);
      else {
        checks.add({
          prop: `${at}.id`,
          value: key,
          problem: `is also the id of serviceAccounts[${earlier}]${binding.id === undefined ? " (an id is the namespace and name, when not given)" : ""}`,
          fix: "bind each service account once, and give each binding its own id",
        });
      }
    }
    if (!Token.isUnresolved(binding.federatedCredentialName)) {
      const name = `name ${binding.federatedCredentialName.toLowerCase()}`;
      const earlier = names.get(name);
      if (earlier === undefined) names.set(name, index);
      else {
        checks.add({
          prop: `${at}.federatedCredentialName`,
          value: binding.federatedCredentialName,
          problem: `duplicates serviceAccounts[${earlier}].federatedCredentialName on this identity`,
          fix: "give each credential of an identity its own name",
        });
      }
    }
    checks.name(`${at}.tenantId`, binding.tenantId, NAME_RULES.uuid);
    checks.wholeNumber(`${at}.tokenExpirationSeconds`, binding.tokenExpirationSeconds, TOKEN_EXPIRATION_SECONDS.min, TOKEN_EXPIRATION_SECONDS.max);
    if (binding.id === undefined && Token.isUnresolved(`${binding.namespace ?? "default"}-${binding.name}`)) {
      checks.add({ prop: `${at}.id`, problem: "is missing, and the namespace or name is known only at apply", fix: "give the binding an id known at synth" });
    }
  }

  private create(binding: ServiceAccountBinding): BoundServiceAccount {
    const namespace = binding.namespace ?? "default";
    const key = bindingId(binding);
    const annotations: Record<string, string> = { [CLIENT_ID_ANNOTATION]: this.identity.clientId };
    if (binding.tenantId !== undefined) annotations[TENANT_ID_ANNOTATION] = binding.tenantId;
    if (binding.tokenExpirationSeconds !== undefined) annotations[TOKEN_EXPIRATION_ANNOTATION] = String(binding.tokenExpirationSeconds);

    const serviceAccount = new ServiceAccountV1(binding.serviceAccountScope?.scope ?? this, binding.serviceAccountScope?.id ?? `ServiceAccount-${key}`, {
      metadata: { name: binding.name, namespace, annotations },
      dependsOn: this.kubernetesDependsOn,
    });
    const metadata = serviceAccount.metadata;
    // Read back from the resource so the subject can never disagree with the account it names.
    const subject = `system:serviceaccount:${metadata.namespace}:${metadata.name}`;
    const previous = this.bound[this.bound.length - 1];
    const credential = new FederatedIdentityCredential(this, `Credential-${key}`, {
      name: binding.federatedCredentialName,
      // azurerm 4.x requires the credential in its identity's resource group.
      resourceGroupName: this.identity.resourceGroupName,
      parentId: this.identity.id,
      issuer: this.issuer,
      subject,
      audience: [TOKEN_EXCHANGE_AUDIENCE],
      // Entra rejects concurrent credential writes on one identity (409
      // ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity), so write them in turn.
      dependsOn: previous ? [previous.credential] : undefined,
    });
    const address = `${serviceAccount.terraformResourceType}.${serviceAccount.friendlyUniqueId}`;
    const bound = {
      serviceAccountName: metadata.name,
      serviceAccountNamespace: metadata.namespace,
      subject,
      credential,
      replacementTriggers: [`${address}.metadata[0].annotations`, `${address}.metadata[0].uid`],
    };
    if (!Token.isUnresolved(binding.federatedCredentialName)) this.credentialNames.set(`name ${binding.federatedCredentialName.toLowerCase()}`, this.bound.length);
    this.credentialNames.set(`id ${key}`, this.bound.length);
    this.bound.push(bound);
    return bound;
  }
}

/** What the construct ids of a binding's service account and credential end with. */
function bindingId(binding: ServiceAccountBinding): string {
  return binding.id ?? `${binding.namespace ?? "default"}-${binding.name}`;
}
