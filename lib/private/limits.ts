/** Entra ID accepts at most this many federated credentials on one managed identity. */
export const MAX_CREDENTIALS_PER_IDENTITY = 20;
