/** The article's sample that reads a Key Vault secret with the workload identity. */
export const DEFAULT_VERIFICATION_IMAGE = "ghcr.io/azure/azure-workload-identity/msal-go";
