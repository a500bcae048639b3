/**
 * The resolved, validated configuration of the app. Names are templates that may contain
 * `{suffix}`; the stack expands them with the fixed or random suffix.
 */
export interface AppConfig {
  /** Azure region of every resource, e.g. `eastus`. */
  readonly location: string;
  /** The region is not in the table of public-cloud regions; only its form was checked. */
  readonly locationUnlisted: boolean;
  /** Fixed value of `{suffix}`; undefined means a `random_id` generated at apply. */
  readonly suffix?: string;
  readonly resourceGroup: ResourceGroupConfig;
  readonly cluster: ClusterConfig;
  readonly keyVault: KeyVaultConfig;
  /** Service accounts bound to their own managed identities; at least one. */
  readonly workloads: readonly WorkloadConfig[];
  readonly verificationPod: VerificationPodConfig;
  readonly waits: WaitsConfig;
  readonly backend: BackendConfig;
  readonly policy: PolicyConfig;
  /** Who is granted the deploying principal's roles. */
  readonly deployer: DeployerConfig;
}

export interface PolicyConfig {
  /** Accepted exceptions to the security policy. */
  readonly suppressions: readonly { readonly id: string; readonly reason: string }[];
}

export interface BackendConfig {
  readonly type: "local" | "azurerm" | "cloud" | "pg";
  readonly azurerm?: {
    readonly resourceGroupName: string;
    readonly storageAccountName: string;
    readonly containerName: string;
    readonly key: string;
    readonly useAzureadAuth: boolean;
  };
  readonly cloud?: { readonly organization: string; readonly workspace: string };
  readonly pg?: { readonly schemaName: string };
}

export interface WaitsConfig {
  readonly roleAssignmentSeconds: number;
  readonly federatedCredentialSeconds: number;
}

export interface ResourceGroupConfig {
  readonly name: string;
  /** Look the group up instead of creating it. */
  readonly existing: boolean;
}

export interface ClusterConfig {
  readonly name: string;
  readonly dnsPrefix: string;
  readonly nodePoolName: string;
  readonly nodeCount: number;
  /** Undefined lets Azure choose, as `az aks create` does. */
  readonly nodeVmSize?: string;
  readonly workloadIdentityEnabled: boolean;
  /** Always true: Azure cannot turn the OIDC issuer off once it is on. */
  readonly oidcIssuerEnabled: true;
  /** Hardened profile: Entra ID with Azure RBAC, no local accounts. */
  readonly localAccountsDisabled: boolean;
  readonly adminGroupObjectIds: readonly string[];
  /** The nodes' admin account; undefined leaves an adopted cluster's as it is, and gives a new one none. */
  readonly linuxProfile?: { readonly adminUsername: string; readonly sshPublicKey: string };
  /** Look the cluster up instead of managing it. */
  readonly existing: boolean;
  /** ARM id of a cluster to adopt with an import block. */
  readonly importId?: string;
  /** Resource group of an existing or adopted cluster; undefined means `resourceGroup.name`. */
  readonly resourceGroup?: string;
}

export type KeyVaultSku = "standard" | "premium";

export interface KeyVaultConfig {
  readonly name: string;
  readonly sku: KeyVaultSku;
  readonly secretName: string;
  /** Bumped to write the write-only secret values again. */
  readonly secretVersion: number;
  readonly additionalSecrets: readonly string[];
  /** Grant the deployer "Key Vault Secrets Officer" on the vault; false only for an existing vault. */
  readonly assignOfficerRole: boolean;
  /** Look the vault up instead of creating it. */
  readonly existing: boolean;
  /** Resource group of an existing vault; undefined means `resourceGroup.name`. */
  readonly resourceGroup?: string;
}

export interface WorkloadConfig {
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Workloads naming the same identity share it. */
  readonly identity: string;
  readonly federatedCredential: string;
  /** The namespace exists; do not create it. */
  readonly namespaceExists: boolean;
  readonly tenantId?: string;
  /** Seconds, 3600-86400. */
  readonly tokenExpiration?: number;
  /** Secrets to be granted one by one; undefined means the whole vault. */
  readonly secrets?: readonly string[];
}

export interface VerificationPodConfig {
  readonly enabled: boolean;
  readonly image: string;
}

export interface DeployerConfig {
  /** Object id of the principal granted the deployer's roles; undefined means whoever runs Terraform. */
  readonly objectId?: string;
}
