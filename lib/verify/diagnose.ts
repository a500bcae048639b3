/**
 * What `npm run verify` sees of the verification pod, and what it concludes. Pure functions, so
 * each known failure is tested without a cluster.
 */

/** The parts of a pod the verification reads. */
export interface PodView {
  readonly phase?: string;
  readonly ready: boolean;
  /** PodScheduled condition false: the message, e.g. "0/1 nodes are available: ...". */
  readonly unschedulable?: string;
  /** A container's waiting reason and message, e.g. ImagePullBackOff. */
  readonly waiting?: { readonly reason: string; readonly message?: string };
  /** Names and values of the container's environment variables, as the API returns them. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export type Verdict =
  | { readonly kind: "pass"; readonly detail: string }
  | { readonly kind: "fail"; readonly cause: Cause; readonly detail: string }
  | { readonly kind: "wait"; readonly cause: Cause; readonly detail: string };

export type Cause =
  | "pod-missing"
  | "not-scheduled"
  | "image-pull"
  | "webhook-not-injected"
  | "wrong-secret-name"
  | "starting"
  | "federation-not-propagated"
  | "rbac-not-propagated"
  | "no-result-yet";

/** The matching fix for each cause, printed with a failure or a timeout. */
export const FIXES: Readonly<Record<Cause, string>> = {
  "pod-missing":
    "The pod does not exist. Deploy first (npx cdktf deploy), check verificationPod.enabled, and that your kubeconfig points at the cluster: az aks get-credentials --resource-group <group> --name <cluster>.",
  "not-scheduled": "No node can run the pod. Check the node pool (kubectl get nodes) and the scheduler's message above; the pod needs a Linux node.",
  "image-pull": "The image cannot be pulled. Check verificationPod.image and that the nodes can reach the registry (ghcr.io for the default image).",
  "webhook-not-injected":
    "The workload identity webhook did not inject AZURE_CLIENT_ID / AZURE_FEDERATED_TOKEN_FILE. Check that the cluster has workload identity enabled (az aks show --query securityProfile.workloadIdentity.enabled), that the pod has the label azure.workload.identity/use: \"true\" and was created after the webhook was running: delete it and apply again.",
  "wrong-secret-name": "The pod reads another secret than the stack created. Apply again so that the pod is replaced.",
  starting: "The pod is still starting.",
  "federation-not-propagated":
    "AADSTS70021: Entra ID found no federated credential for the token's issuer and subject. New credentials take a little while to propagate; if it persists, compare the credential's issuer with the cluster's, including the trailing '/' (az aks show --query oidcIssuerProfile.issuerUrl), and its subject with system:serviceaccount:<namespace>:<service account>.",
  "rbac-not-propagated":
    "403 ForbiddenByRbac: the identity cannot read the secret yet. Azure RBAC role assignments can take up to ten minutes to propagate; if it persists, check the \"Key Vault Secrets User\" assignment for the identity's principal on the vault or secret.",
  "no-result-yet": "The sample has not logged a result yet.",
};

const SUCCESS = "successfully got secret";

/** Decides from the pod and its log whether the chain works, cannot work, or may still work. */
export function diagnose(pod: PodView | undefined, log: string, expectedSecretName: string): Verdict {
  if (!pod) return { kind: "wait", cause: "pod-missing", detail: "pod not found" };
  // ErrImagePull alone may be a blip the kubelet retries; back-off means the retries failed too.
  if (pod.waiting && /ImagePullBackOff|InvalidImageName/.test(pod.waiting.reason)) {
    return { kind: "fail", cause: "image-pull", detail: `${pod.waiting.reason}: ${pod.waiting.message ?? ""}`.trim() };
  }
  if (pod.unschedulable !== undefined) return { kind: "wait", cause: "not-scheduled", detail: pod.unschedulable };
  if (pod.env.SECRET_NAME !== expectedSecretName) {
    return { kind: "fail", cause: "wrong-secret-name", detail: `SECRET_NAME is ${JSON.stringify(pod.env.SECRET_NAME)}, expected ${JSON.stringify(expectedSecretName)}` };
  }
  if (pod.env.AZURE_CLIENT_ID === undefined || pod.env.AZURE_FEDERATED_TOKEN_FILE === undefined) {
    return { kind: "fail", cause: "webhook-not-injected", detail: "AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE are not set in the container" };
  }
  if (log.includes(SUCCESS)) return { kind: "pass", detail: SUCCESS };
  if (!pod.ready) return { kind: "wait", cause: "starting", detail: `phase ${pod.phase ?? "unknown"}, not ready` };
  if (log.includes("AADSTS70021")) return { kind: "wait", cause: "federation-not-propagated", detail: lastLineWith(log, "AADSTS70021") };
  const forbidden = /ForbiddenByRbac|RESPONSE 403|403 Forbidden/;
  if (forbidden.test(log)) return { kind: "wait", cause: "rbac-not-propagated", detail: lastLineWith(log, forbidden) };
  return { kind: "wait", cause: "no-result-yet", detail: "no result in the log yet" };
}

function lastLineWith(log: string, pattern: string | RegExp): string {
  const lines = log.split("\n").filter((l) => (typeof pattern === "string" ? l.includes(pattern) : pattern.test(l)));
  return lines[lines.length - 1]?.trim() ?? "";
}

/**
 * The msal-go sample logs the secret's value in plain text (`secret="Hello!"`). Masks it, and any
 * known secret value, in a line before it is printed.
 */
export function maskSecrets(line: string, knownValues: readonly string[] = []): string {
  let masked = line.replace(/(secret=)("(?:[^"\\]|\\.)*"|\S+)/g, '$1"****"');
  for (const value of knownValues) if (value) masked = masked.split(value).join("****");
  return masked;
}
