import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { BoundServiceAccount, FederatedIdentity } from "./federated-identity";
import { IOidcIssuer, IResourceGroupRef } from "./interfaces";
import { NAME_RULES } from "./naming-rules";
import { MAX_CREDENTIALS_PER_IDENTITY } from "./private/limits";
import { PropChecks } from "./private/prop-checks";
import { RbacKeyVault } from "./rbac-key-vault";

/** Namespaces every cluster has; they are never created. */
export const BUILT_IN_NAMESPACES: ReadonlySet<string> = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);

/**
 * One workload: a Kubernetes service account, federated with a managed identity, granted read access
 * to the vault's secrets. The `…Key` props are the stable parts of construct ids (and so of Terraform
 * addresses): give them when a name holds a token, or to keep an address when a name's spelling changes.
 */
export interface WorkloadSpec {
  /** Name of the managed identity; workloads whose identity keys are equal share one identity. */
  readonly identityName: string;
  /**
   * How construct ids refer to the identity.
   * @default - `identityName`, which must then be known at synth
   */
  readonly identityKey?: string;
  /**
   * Namespace of the service account: a DNS-1123 label.
   * @default "default"
   */
  readonly namespace?: string;
  /**
   * How construct ids refer to the namespace.
   * @default - `namespace`, which must then be known at synth
   */
  readonly namespaceKey?: string;
  /**
   * The namespace exists already and is not created. Built-in namespaces (`default`, `kube-system`,
   * `kube-public`, `kube-node-lease`) are never created.
   * @default false
   */
  readonly namespaceExists?: boolean;
  /** Name of the service account: a DNS-1123 subdomain. */
  readonly serviceAccountName: string;
  /**
   * How construct ids refer to the service account.
   * @default - `serviceAccountName`, which must then be known at synth
   */
  readonly serviceAccountKey?: string;
  /** Name of the federated identity credential: unique among its identity's. */
  readonly federatedCredentialName: string;
  /**
   * How construct ids refer to the credential.
   * @default - `federatedCredentialName`, which must then be known at synth
   */
  readonly federatedCredentialKey?: string;
  /**
   * Tenant of the identity, when it differs from the cluster's.
   * @default - the cluster's tenant
   */
  readonly tenantId?: string;
  /**
   * Lifetime of the projected token in seconds, 3600-86400.
   * @default - the webhook's default, 3600
   */
  readonly tokenExpirationSeconds?: number;
  /**
   * Keys of the vault's secrets the identity may read, one role assignment each (least privilege).
   * The identity is granted what its workloads together need: the whole vault when one of them
   * leaves this out.
   * @default - the whole vault
   */
  readonly secrets?: readonly string[];
}

/** What the workloads are given: the list, and the cluster, group and vault they use. */
export interface WorkloadsProps {
  /** The cluster whose OIDC issuer the credentials trust. */
  readonly cluster: IOidcIssuer;
  /** Resource group of the identities. */
  readonly resourceGroup: IResourceGroupRef;
  /** The vault the workloads are granted read access to. */
  readonly keyVault: RbacKeyVault;
  /** The workloads, at least one. */
  readonly workloads: readonly WorkloadSpec[];
  /**
   * What must exist before Kubernetes objects can be created, such as the deployer's AKS RBAC role.
   * @default - nothing beyond the cluster
   */
  readonly kubernetesDependsOn?: readonly ITerraformDependable[];
  /**
   * Where the `Namespaces`, `Identities` and `ServiceAccounts` scopes are made. A stack that made
   * them itself, before this construct existed, passes itself: its resources keep their Terraform
   * addresses (and construct paths) exactly.
   * @default - this construct
   */
  readonly resourcesIn?: Construct;
}

/** A workload as deployed: its identity and its federated service account. */
export interface DeployedWorkload {
  /** The managed identity, shared by the workloads whose identity keys are equal. */
  readonly identity: FederatedIdentity;
  /** The service account federated with the identity. */
  readonly serviceAccount: BoundServiceAccount;
}

/**
 * Everything a list of workloads needs beside the cluster and the vault: the namespaces that do not
 * exist yet, one managed identity per distinct identity, a service account and federated credential
 * per workload, and each identity's "Key Vault Secrets User" grants (on the whole vault, or on the
 * secrets its workloads name). Service accounts live outside their identity, so that renaming an
 * identity updates its accounts in place; credentials live inside it, since they belong to it.
 */
export class Workloads extends Construct {
  /** Each workload as deployed, in the order given. */
  public readonly workloads: readonly DeployedWorkload[];
  /** Every distinct identity, in the order the workloads first name them. */
  public readonly identities: readonly FederatedIdentity[];
  private readonly grants = new Map<FederatedIdentity, readonly RoleAssignment[]>();
  private readonly grantedSecrets = new Map<FederatedIdentity, readonly string[] | undefined>();

  constructor(scope: Construct, id: string, props: WorkloadsProps) {
    super(scope, id);
    checkProps(this, props);
    const within = props.resourcesIn ?? this;
    const ready = props.kubernetesDependsOn ? [...props.kubernetesDependsOn] : [];

    // Scopes of their own: a single-component construct id gets no hash, so ids that differ only in
    // characters a logical id drops ("team-{suffix}", "team-suffix") would share an address.
    const namespaceScope = new Construct(within, "Namespaces");
    const namespaces = new Map<string, string>();
    for (const workload of props.workloads) {
      const name = workload.namespace ?? "default";
      const key = workload.namespaceKey ?? name;
      if (namespaces.has(key)) continue;
      if (workload.namespaceExists || BUILT_IN_NAMESPACES.has(name)) {
        namespaces.set(key, name);
      } else {
        const namespace = new NamespaceV1(namespaceScope, key, { metadata: { name }, dependsOn: ready.length ? ready : undefined });
        // Referencing the resource orders service accounts after their namespace.
        namespaces.set(key, namespace.metadata.name);
      }
    }

    const identityScope = new Construct(within, "Identities");
    const serviceAccountScope = new Construct(within, "ServiceAccounts");
    const identities = new Map<string, FederatedIdentity>();
    // undefined: the whole vault; otherwise the secrets granted one by one, by key.
    const access = new Map<FederatedIdentity, Set<string> | undefined>();
    this.workloads = props.workloads.map((workload): DeployedWorkload => {
      const identityKey = workload.identityKey ?? workload.identityName;
      let identity = identities.get(identityKey);
      if (!identity) {
        identity = new FederatedIdentity(identityScope, identityKey, {
          cluster: props.cluster,
          resourceGroup: props.resourceGroup,
          identityName: workload.identityName,
          kubernetesDependsOn: ready,
        });
        identities.set(identityKey, identity);
        access.set(identity, new Set());
      }
      const namespaceKey = workload.namespaceKey ?? workload.namespace ?? "default";
      const serviceAccount = identity.bind({
        id: workload.federatedCredentialKey ?? workload.federatedCredentialName,
        // Namespace and account names have no '_', so the id is unambiguous.
        serviceAccountScope: { scope: serviceAccountScope, id: `${namespaceKey}_${workload.serviceAccountKey ?? workload.serviceAccountName}` },
        name: workload.serviceAccountName,
        namespace: namespaces.get(namespaceKey),
        federatedCredentialName: workload.federatedCredentialName,
        tenantId: workload.tenantId,
        tokenExpirationSeconds: workload.tokenExpirationSeconds,
      });
      const granted = access.get(identity);
      if (workload.secrets === undefined) access.set(identity, undefined);
      else for (const secret of workload.secrets) granted?.add(secret);
      return { identity, serviceAccount };
    });
    this.identities = [...identities.values()];

    for (const identity of this.identities) {
      const secrets = access.get(identity);
      this.grantedSecrets.set(identity, secrets && [...secrets]);
      this.grants.set(
        identity,
        secrets === undefined ? [props.keyVault.grantSecretsRead(identity)] : [...secrets].map((secret) => props.keyVault.grantSecretRead(identity, secret)),
      );
    }
  }

  /**
   * The role assignments that let `identity` read the vault's secrets: one on the whole vault, or
   * one per secret its workloads name. Depend on them before a workload reads a secret.
   */
  public grantsOf(identity: FederatedIdentity): readonly RoleAssignment[] {
    const grants = this.grants.get(identity);
    if (grants === undefined) throw new Error(`${this.node.path}: ${identity.node.path} is not one of these workloads' identities`);
    return grants;
  }

  /**
   * Keys of the secrets `identity` may read, in the order of `grantsOf`'s assignments; undefined when
   * it may read the whole vault (one assignment).
   */
  public secretsReadableBy(identity: FederatedIdentity): readonly string[] | undefined {
    this.grantsOf(identity);
    return this.grantedSecrets.get(identity);
  }
}

/** Every problem with the workloads, thrown at once, before any of them is made. */
function checkProps(scope: Workloads, props: WorkloadsProps): void {
  const checks = new PropChecks(scope);
  if (props.workloads.length === 0) checks.add({ prop: "workloads", value: [], problem: "is empty", fix: "give at least one workload" });
  const vaultSecrets = new Set(props.keyVault.secretKeys);
  const credentials = new Map<string, number>();
  /** The first workload of each service account (its construct id), and of each credential of an identity (key, and name case folded). */
  const accounts = new Map<string, number>();
  const credentialNames = new Map<string, number>();
  props.workloads.forEach((workload, i) => {
    const at = `workloads[${i}]`;
    checks.name(`${at}.identityName`, workload.identityName, NAME_RULES.identityName);
    checks.name(`${at}.namespace`, workload.namespace, NAME_RULES.namespace);
    checks.name(`${at}.serviceAccountName`, workload.serviceAccountName, NAME_RULES.serviceAccountName);
    checks.name(`${at}.federatedCredentialName`, workload.federatedCredentialName, NAME_RULES.federatedCredentialName);
    checks.name(`${at}.tenantId`, workload.tenantId, NAME_RULES.uuid);
    checks.wholeNumber(`${at}.tokenExpirationSeconds`, workload.tokenExpirationSeconds, 3600, 86400);
    const keys: ReadonlyArray<readonly [string, string | undefined, string | undefined]> = [
      ["identityKey", workload.identityKey, workload.identityName],
      ["namespaceKey", workload.namespaceKey, workload.namespace],
      ["serviceAccountKey", workload.serviceAccountKey, workload.serviceAccountName],
      ["federatedCredentialKey", workload.federatedCredentialKey, workload.federatedCredentialName],
    ];
    for (const [prop, key, name] of keys) {
      if (key === undefined && name !== undefined && Token.isUnresolved(name)) {
        checks.add({ prop: `${at}.${prop}`, problem: "is missing, and the name is known only at apply", fix: "give a key known at synth" });
      }
    }
    workload.secrets?.forEach((secret, j) => {
      if (!vaultSecrets.has(secret)) {
        checks.add({ prop: `${at}.secrets[${j}]`, value: secret, problem: "is not the key of a secret in the vault", fix: `use one of ${[...vaultSecrets].join(", ")}` });
      }
    });
    const identityKey = workload.identityKey ?? workload.identityName;
    const namespaceKey = workload.namespaceKey ?? workload.namespace ?? "default";
    const account = `${namespaceKey}_${workload.serviceAccountKey ?? workload.serviceAccountName}`;
    const earlierAccount = accounts.get(account);
    if (earlierAccount === undefined) accounts.set(account, i);
    else {
      checks.add({
        prop: `${at}.serviceAccountName`,
        value: workload.serviceAccountName,
        problem: `duplicates workloads[${earlierAccount}].serviceAccountName in namespace ${workload.namespace ?? "default"}: a service account carries one identity, and Entra rejects a second credential with the same issuer and subject`,
        fix: "bind each service account once; change its name or namespace",
      });
    }
    const credentialKey = `${identityKey}\nkey\n${workload.federatedCredentialKey ?? workload.federatedCredentialName}`;
    const credentialName = Token.isUnresolved(workload.federatedCredentialName) ? undefined : `${identityKey}\nname\n${workload.federatedCredentialName.toLowerCase()}`;
    const sameName = credentialName === undefined ? undefined : credentialNames.get(credentialName);
    const sameKey = credentialNames.get(credentialKey);
    if (sameName !== undefined) {
      checks.add({
        prop: `${at}.federatedCredentialName`,
        value: workload.federatedCredentialName,
        problem: `duplicates workloads[${sameName}].federatedCredentialName on the identity they share`,
        fix: "give each credential of an identity its own name",
      });
    } else if (sameKey !== undefined) {
      checks.add({
        prop: `${at}.federatedCredentialKey`,
        value: workload.federatedCredentialKey ?? workload.federatedCredentialName,
        problem: `is also the key of workloads[${sameKey}]'s credential on the identity they share`,
        fix: "give each credential of an identity its own key",
      });
    }
    for (const key of [credentialKey, credentialName]) if (key !== undefined && !credentialNames.has(key)) credentialNames.set(key, i);
    const n = (credentials.get(identityKey) ?? 0) + 1;
    credentials.set(identityKey, n);
    if (n === MAX_CREDENTIALS_PER_IDENTITY + 1) {
      checks.add({
        prop: `${at}.identityName`,
        value: workload.identityName,
        problem: `would be federated credential number ${n} of this identity; Entra ID allows at most ${MAX_CREDENTIALS_PER_IDENTITY} per managed identity`,
        fix: "federate some of these workloads with another identity",
      });
    }
  });
  checks.throwIfAny();
}
