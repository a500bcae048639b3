// The public API of the package: what `import { … } from "aks-workload-identity"` offers. Anything not
// exported here (lib/private/**, the commands, the policy engine, plan review, verify) may change
// without notice. help/api.md is generated from this file and the doc comments it reaches
// (`npm run api-docs`).

// The constructs, their props, the interfaces they are connected by, the naming rules they check
// their props against, and the error they throw. Each module exports only what is public.
export * from "./aks-oidc-cluster";
export * from "./existing-aks-oidc-cluster";
export * from "./federated-identity";
export * from "./rbac-key-vault";
export * from "./resource-group";
export * from "./verification-pod";
export * from "./workloads";
export * from "./interfaces";
export * from "./name-rule";
export * from "./naming-rules";
export * from "./invalid-props-error";
export * from "./defaults";

// The whole stack, as `npm run synth` builds it. It takes a validated configuration: resolveConfig
// turns a plain object (the shape of a configuration file) into one, with the defaults applied, or
// throws ConfigError listing every problem. Reading files and the environment (loadConfig) stays
// with the app.
export { AksWorkloadIdentityStack, DEFAULT_STACK_NAME, REQUIRED_TERRAFORM } from "./app/aks-workload-identity-stack";
export type { AksWorkloadIdentityStackProps } from "./app/aks-workload-identity-stack";
export { resolveConfig } from "./config/resolve";
export type { LoadedConfig, ResolvedValue, ResolveConfigOptions } from "./config/resolve";
export { ConfigError } from "./config/errors";
export type { ConfigProblem, Source } from "./config/errors";
export type { AppConfig } from "./config/types";
