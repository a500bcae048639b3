import { Suppression } from "./types";

/**
 * The default exceptions: what Microsoft's article deliberately leaves out to stay a short walkthrough.
 * Each is accepted for the article's setup, not recommended; remove one once its rule is met, and
 * never add one without a reason.
 */
export const ARTICLE_SUPPRESSIONS: readonly Suppression[] = [
  {
    id: "CKV_AZURE_141",
    reason: "The article keeps local accounts so that `az aks get-credentials` works without Entra ID groups; cluster.localAccountsDisabled turns them off (the hardened profile).",
  },
  {
    id: "CKV_AZURE_6",
    reason: "The article's API server is public with no authorized IP ranges, so the deployer and CI runners can reach it from any network.",
  },
  {
    id: "CKV_AZURE_115",
    reason: "The article's cluster is not private: a private API server needs a virtual network, and a runner or jump host inside it, that the article does not create.",
  },
  {
    id: "CKV_AZURE_7",
    reason: "The article's `az aks create` sets no network policy, and the single verification pod has no peers to be isolated from.",
  },
  {
    id: "CKV_AZURE_116",
    reason: "The article does not enable the Azure Policy add-on, which does nothing without policy assignments made outside this stack.",
  },
  {
    id: "CKV_AZURE_171",
    reason: "The article sets no automatic upgrade channel; its demonstration cluster is deleted rather than upgraded.",
  },
  {
    id: "CKV_AZURE_170",
    reason: "The article uses the Free tier, which costs nothing and has no uptime SLA, enough for a demonstration.",
  },
  {
    id: "CKV_AZURE_227",
    reason: "The article does not enable host encryption, which needs the EncryptionAtHost feature registered on the subscription first.",
  },
  {
    id: "CKV_AZURE_232",
    reason: "The article has a single node pool for system and user pods, so tainting it for critical add-ons only would leave the verification pod unschedulable.",
  },
  {
    id: "CKV_AZURE_4",
    reason: "The article creates no Log Analytics workspace, so the cluster runs no OMS agent.",
  },
  {
    id: "CKV_AZURE_109",
    reason: "The article's vault keeps the default network ACL (Allow) so that the deployer can write the secret from any network; Azure RBAC still guards every read.",
  },
  {
    id: "CKV_AZURE_189",
    reason: "The article's vault is reached over its public endpoint by the deployer and the pod, with no private endpoint to replace it.",
  },
  {
    id: "CKV_AZURE_114",
    reason: "The article's `az keyvault secret set` gives the secret no content type.",
  },
  {
    id: "CKV_AZURE_41",
    reason: "The article's secret has no expiry, so the verification pod can read it whenever it runs.",
  },
  {
    id: "AKSWI_007",
    reason: "The article's pod has no security context, and whether the msal-go image runs as a non-root user has not been verified.",
  },
  {
    id: "AKSWI_008",
    reason: "The article's pod has no security context, and whether the msal-go image runs with a read-only root filesystem has not been verified.",
  },
];
