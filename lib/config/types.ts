/**
 * The resolved, validated configuration of the app. Names are templates that may contain
 * `{suffix}`; the stack expands them with the fixed or random suffix.
 */
export interface AppConfig {
  /** Azure region of every resource, e.g. `eastus`. */
  readonly location: string;
  /** Fixed value of `{suffix}`; undefined means a `random_id` generated at apply. */
  readonly suffix?: string;
  readonly resourceGroup: ResourceGroupConfig;
  readonly cluster: ClusterConfig;
  readonly keyVault: KeyVaultConfig;
  /** Service accounts bound to their own managed identities; at least one. */
  readonly workloads: readonly WorkloadConfig[];
  readonly verificationPod: VerificationPodConfig;
}

export interface ResourceGroupConfig {
  readonly name: string;
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
}

export type KeyVaultSku = "standard" | "premium";

export interface KeyVaultConfig {
  readonly name: string;
  readonly sku: KeyVaultSku;
  readonly secretName: string;
}

export interface WorkloadConfig {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly identity: string;
  readonly federatedCredential: string;
}

export interface VerificationPodConfig {
  readonly enabled: boolean;
  readonly image: string;
}
