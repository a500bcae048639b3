import type { Infer } from "./fields";
import type { SCHEMA } from "./schema";

/**
 * The resolved, validated configuration of the app, inferred from the schema (schema.ts), which
 * documents every key. Names are templates that may contain `{suffix}`; templates.ts expands them
 * with the fixed or random suffix.
 */
export type AppConfig = Infer<typeof SCHEMA>;

export type ResourceGroupConfig = AppConfig["resourceGroup"];
export type ClusterConfig = AppConfig["cluster"];
export type KeyVaultConfig = AppConfig["keyVault"];
export type KeyVaultSku = KeyVaultConfig["sku"];
/** A service account bound to a managed identity; workloads naming the same identity share it. */
export type WorkloadConfig = AppConfig["workloads"][number];
export type VerificationPodConfig = AppConfig["verificationPod"];
export type WaitsConfig = AppConfig["waits"];
/** Where Terraform keeps state: a union on `type`, each member with its own settings. */
export type BackendConfig = AppConfig["backend"];
export type BackendType = BackendConfig["type"];
export type PolicyConfig = AppConfig["policy"];
/** Who is granted the deploying principal's roles. */
export type DeployerConfig = AppConfig["deployer"];
