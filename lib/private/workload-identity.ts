/**
 * Names Microsoft Entra Workload ID fixes, shared by the constructs, the security policy and
 * `npm run verify`. A module of its own, free of cdktf, so that verify does not load cdktf and the
 * providers to read two strings.
 */

/** The only audience Entra ID accepts for Kubernetes service account token exchange. */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/** The label that makes the workload identity webhook project a token into the pod. */
export const USE_WORKLOAD_IDENTITY_LABEL = "azure.workload.identity/use";
