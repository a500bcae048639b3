// The public API of the package: what `import { … } from "aks-workload-identity"` offers. Anything not
// exported here (lib/private/**, the commands, the policy engine, plan review, verify) may change
// without notice. help/api.md is generated from this file and the doc comments it reaches
// (`npm run api-docs`).

// Constructs and their props.
export { AksOidcCluster } from "./aks-oidc-cluster";
export type { AksOidcClusterProps } from "./aks-oidc-cluster";
export { ExistingAksOidcCluster, WORKLOAD_IDENTITY_WEBHOOK } from "./existing-aks-oidc-cluster";
export type { ExistingAksOidcClusterProps } from "./existing-aks-oidc-cluster";
export {
  CLIENT_ID_ANNOTATION,
  FederatedIdentity,
  MAX_CREDENTIALS_PER_IDENTITY,
  TENANT_ID_ANNOTATION,
  TOKEN_EXCHANGE_AUDIENCE,
  TOKEN_EXPIRATION_ANNOTATION,
} from "./federated-identity";
export type { BoundServiceAccount, FederatedIdentityProps, ServiceAccountBinding } from "./federated-identity";
export { RbacKeyVault, SECRETS_OFFICER_ROLE, SECRETS_USER_ROLE } from "./rbac-key-vault";
export type { RbacKeyVaultProps, SecretSpec } from "./rbac-key-vault";
export { USE_WORKLOAD_IDENTITY_LABEL, VerificationPod } from "./verification-pod";
export type { ISecretSource, IServiceAccountIdentity, VerificationPodProps } from "./verification-pod";
export { DEFAULT_VERIFICATION_IMAGE } from "./defaults";

// The interfaces the constructs are connected by.
export type { IDeployingPrincipal, IOidcIssuer, IResourceGroupRef, IWorkloadPrincipal, KubernetesConnection } from "./interfaces";

// The whole stack, as `npm run synth` builds it. It takes a validated configuration: resolveConfig
// turns a plain object (the shape of a configuration file) into one, with the defaults applied, or
// throws ConfigError listing every problem. Reading files and the environment (loadConfig) stays
// with the app.
export { AksWorkloadIdentityStack, DEFAULT_STACK_NAME, REQUIRED_TERRAFORM } from "./app/aks-workload-identity-stack";
export type { AksWorkloadIdentityStackProps } from "./app/aks-workload-identity-stack";
export { resolveConfig } from "./config/load";
export type { LoadedConfig, ResolveConfigOptions } from "./config/load";
export { ConfigError } from "./config/errors";
export type { AppConfig } from "./config/types";
