/**
 * What `npm run verify` sees of the verification pod, and what it concludes. Pure functions, so
 * each known failure is tested without a cluster.
 *
 * The verification pod runs the msal-go sample of Azure/azure-workload-identity (examples/msal-go,
 * read at commit 04d01a2fc7f5024290a38f6ccaf69561cf70455d, tag v1.6.0): it logs with klog, and on
 * any error from Key Vault it logs `"failed to get secret from keyvault" err=<...>` and exits 1, so
 * the two failures verify exists for (AADSTS70021, 403 ForbiddenByRbac) show as a container that
 * restarts in CrashLoopBackOff and is never Ready. The verdict therefore comes from the container's
 * state and its logs first, and from readiness only when they say nothing.
 */
import { TOKEN_EXCHANGE_AUDIENCE, USE_WORKLOAD_IDENTITY_LABEL } from "../private/workload-identity";

/** The parts of a pod the verification reads. */
export interface PodView {
  readonly phase?: string;
  readonly ready: boolean;
  /** PodScheduled condition false: the message, e.g. "0/1 nodes are available: ...". */
  readonly unschedulable?: string;
  /** A container's waiting reason and message, e.g. ImagePullBackOff or CrashLoopBackOff. */
  readonly waiting?: { readonly reason: string; readonly message?: string };
  /** Names and values of the container's environment variables, as the API returns them. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** How often the kubelet restarted the container. @default - not known */
  readonly restartCount?: number;
  /** How the container's last run ended (lastState.terminated, or state.terminated). @default - not known */
  readonly lastExit?: { readonly exitCode: number; readonly reason?: string };
  /** Whether the pod has the webhook's projected service account token volume. @default - not known, not checked */
  readonly tokenVolume?: boolean;
  /** The pod's labels. @default - not known, not checked */
  readonly labels?: Readonly<Record<string, string>>;
}

/** What the stack's outputs say the chain should be; each value is checked when it is known. */
export interface ExpectedChain {
  /** oidc_issuer_url: the issuer the federated credential trusts. */
  readonly issuer?: string;
  /** service_account_namespace and service_account_name: the credential's subject. */
  readonly serviceAccountNamespace?: string;
  readonly serviceAccountName?: string;
  /** identity_client_id: the identity the pod's service account is annotated with. */
  readonly clientId?: string;
}

export type Verdict =
  | { readonly kind: "pass"; readonly detail: string }
  | { readonly kind: "fail"; readonly cause: Cause; readonly detail: string; readonly fix?: string }
  | { readonly kind: "wait"; readonly cause: Cause; readonly detail: string; readonly fix?: string };

export type Cause =
  | "pod-missing"
  | "not-scheduled"
  | "image-pull"
  | "webhook-not-injected"
  | "wrong-secret-name"
  | "wrong-client-id"
  | "starting"
  | "federation-not-propagated"
  | "federation-mismatch"
  | "rbac-not-propagated"
  | "container-failing"
  | "no-result-yet";

/** The matching fix for each cause, printed with a failure or a timeout unless the verdict names a more exact one. */
export const FIXES: Readonly<Record<Cause, string>> = {
  "pod-missing":
    "The pod does not exist. Deploy first (npx cdktf deploy), check verificationPod.enabled, and that your kubeconfig points at the cluster: az aks get-credentials --resource-group <group> --name <cluster>.",
  "not-scheduled": "No node can run the pod. Check the node pool (kubectl get nodes) and the scheduler's message above; the pod needs a Linux node.",
  "image-pull": "The image cannot be pulled. Check verificationPod.image and that the nodes can reach the registry (ghcr.io for the default image).",
  "webhook-not-injected":
    "The workload identity webhook did not inject AZURE_CLIENT_ID / AZURE_FEDERATED_TOKEN_FILE and the token volume. Check that the pod has the label azure.workload.identity/use: \"true\", that the cluster has workload identity enabled (az aks show --query securityProfile.workloadIdentity.enabled) and the webhook runs (kubectl get pods -A -l azure-workload-identity.io/system=true), and that the pod was created after it: delete the pod and apply again.",
  "wrong-secret-name": "The pod reads another secret than the stack created. Apply again so that the pod is replaced.",
  "wrong-client-id":
    "The pod was given another identity's client id than the stack's (the webhook sets it once, when the pod is created). Apply again so that the pod is replaced; if the plan shows no change, delete the pod and apply again.",
  starting: "The pod is still starting.",
  "federation-not-propagated":
    "AADSTS70021: Entra ID found no federated credential for the token's issuer, subject and audience. New credentials take a little while to propagate; if it persists, compare the credential (az identity federated-credential list -g <group> --identity-name <identity>) with the cluster's issuer, including the trailing '/' (az aks show --query oidcIssuerProfile.issuerUrl), with system:serviceaccount:<namespace>:<service account> and with the audience api://AzureADTokenExchange.",
  "federation-mismatch":
    "The pod's token is not the one the stack's federated credential trusts. Another issuer: your kubeconfig points at another cluster than the stack's outputs, or the cluster was replaced (az aks get-credentials for the stack's cluster, then apply again). Another subject: the pod runs as another service account than the stack's. Another audience: the webhook was configured with another token audience than api://AzureADTokenExchange.",
  "rbac-not-propagated":
    "403 ForbiddenByRbac: the identity cannot read the secret yet. Azure RBAC role assignments can take up to ten minutes to propagate; if it persists, check the \"Key Vault Secrets User\" assignment for the identity's principal on the vault or secret.",
  "container-failing": "The sample exits on any error and the kubelet restarts it. Read the whole log: kubectl logs --previous <pod> -n <namespace>.",
  "no-result-yet": "The sample has not logged a result yet.",
};

const SUCCESS = "successfully got secret";
/** AADSTS70021, and the narrower codes Entra ID now answers for one mismatched claim (700211 issuer, 700212 audience, 700213 subject). */
const FEDERATION = /AADSTS7002(?:1[1-3]?)\b/;
const FORBIDDEN = /ForbiddenByRbac|RESPONSE 403\b/;
/** A klog header: severity, date, time, thread, file:line. */
const KLOG_HEADER = /^([IWEF])\d{4} \d{2}:\d{2}:\d{2}\.\d{6}\s+\d+ [^\]]*\] /;

/** Decides from the pod and its log whether the chain works, cannot work, or may still work. */
export function diagnose(pod: PodView | undefined, log: string, expectedSecretName: string, expected: ExpectedChain = {}): Verdict {
  if (!pod) return { kind: "wait", cause: "pod-missing", detail: "pod not found" };
  if (pod.unschedulable !== undefined) return { kind: "wait", cause: "not-scheduled", detail: pod.unschedulable };
  if (pod.waiting && /^ErrImagePull$|ImagePullBackOff|InvalidImageName|ErrImageNeverPull/.test(pod.waiting.reason)) {
    const detail = `${pod.waiting.reason}: ${pod.waiting.message ?? ""}`.trim();
    // ErrImagePull alone may be a blip the kubelet retries; back-off means the retries failed too.
    return { kind: pod.waiting.reason === "ErrImagePull" ? "wait" : "fail", cause: "image-pull", detail };
  }
  if (pod.env.SECRET_NAME !== expectedSecretName) {
    return { kind: "fail", cause: "wrong-secret-name", detail: `SECRET_NAME is ${JSON.stringify(pod.env.SECRET_NAME)}, expected ${JSON.stringify(expectedSecretName)}` };
  }
  const notInjected = webhookNotInjected(pod);
  if (notInjected) return notInjected;
  if (expected.clientId !== undefined && pod.env.AZURE_CLIENT_ID !== expected.clientId) {
    return {
      kind: "fail",
      cause: "wrong-client-id",
      detail: `AZURE_CLIENT_ID is ${JSON.stringify(pod.env.AZURE_CLIENT_ID)}, the stack's identity_client_id is ${JSON.stringify(expected.clientId)}`,
    };
  }

  const outcome = lastOutcome(log);
  if (outcome?.kind === "success") return { kind: "pass", detail: SUCCESS };
  if (outcome?.kind === "federation") return federationVerdict(outcome.text, expected);
  if (outcome?.kind === "forbidden") return forbiddenVerdict(outcome.text);

  const crashing = pod.lastExit !== undefined || (pod.restartCount ?? 0) > 0;
  if (outcome?.kind === "error" || crashing) {
    const exit = pod.lastExit ? `exited ${pod.lastExit.exitCode}${pod.lastExit.reason ? ` (${pod.lastExit.reason})` : ""}` : "restarting";
    const restarts = pod.restartCount ? `, restarted ${pod.restartCount} time${pod.restartCount === 1 ? "" : "s"}` : "";
    const said = outcome ? `: ${summary(outcome.text)}` : "";
    return { kind: "wait", cause: "container-failing", detail: `the container ${exit}${restarts}${said}` };
  }
  if (!pod.ready) {
    const container = pod.waiting ? `container ${pod.waiting.reason}${pod.waiting.message ? `: ${pod.waiting.message}` : ""}` : "not ready";
    return { kind: "wait", cause: "starting", detail: `phase ${pod.phase ?? "unknown"}, ${container}` };
  }
  return { kind: "wait", cause: "no-result-yet", detail: "no result in the log yet" };
}

/**
 * Whether the previous run's log is worth reading too: the container restarted and what it logged
 * this time says nothing yet (a restarted container logs its result only after its first call).
 */
export function wantsPreviousLog(pod: PodView, currentLog: string): boolean {
  return (pod.restartCount ?? 0) > 0 && lastOutcome(currentLog) === undefined;
}

function webhookNotInjected(pod: PodView): Verdict | undefined {
  const missing = ["AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE"].filter((name) => pod.env[name] === undefined);
  if (pod.tokenVolume === false) missing.push("the projected azure-identity-token volume");
  if (missing.length === 0) return undefined;
  const listed = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(", ")} and ${missing[missing.length - 1]}`;
  const detail = `${listed} ${missing.length === 1 ? "is" : "are"} not in the pod`;
  if (pod.labels !== undefined && pod.labels[USE_WORKLOAD_IDENTITY_LABEL] !== "true") {
    const label = pod.labels[USE_WORKLOAD_IDENTITY_LABEL] === undefined ? `has no label ${USE_WORKLOAD_IDENTITY_LABEL}` : `has ${USE_WORKLOAD_IDENTITY_LABEL}: ${JSON.stringify(pod.labels[USE_WORKLOAD_IDENTITY_LABEL])}`;
    return {
      kind: "fail",
      cause: "webhook-not-injected",
      detail: `${detail}: the pod ${label}`,
      fix: `The workload identity webhook mutates only pods labelled ${USE_WORKLOAD_IDENTITY_LABEL}: "true", when they are created. The stack's pod has it: apply again so that the pod is replaced, or delete it and apply again.`,
    };
  }
  return { kind: "fail", cause: "webhook-not-injected", detail };
}

type Outcome = { readonly kind: "success" | "federation" | "forbidden" | "error"; readonly text: string };

/**
 * The last result the sample logged. klog writes an error over several lines (`err=<`, tab-indented
 * lines, ` >`), so lines are grouped into entries first; lines before the first header (a tail that
 * cut an entry) form one entry of their own.
 */
function lastOutcome(log: string): Outcome | undefined {
  const entries: Array<{ severity?: string; lines: string[] }> = [];
  for (const line of log.split("\n")) {
    const header = KLOG_HEADER.exec(line);
    if (header || entries.length === 0) entries.push({ severity: header?.[1], lines: [line] });
    else entries[entries.length - 1].lines.push(line);
  }
  for (const entry of entries.reverse()) {
    const text = entry.lines.join("\n");
    if (text.includes(SUCCESS)) return { kind: "success", text };
    if (FEDERATION.test(text)) return { kind: "federation", text };
    if (FORBIDDEN.test(text)) return { kind: "forbidden", text };
    if (entry.severity === "E" || entry.severity === "F") return { kind: "error", text };
  }
  return undefined;
}

function federationVerdict(text: string, expected: ExpectedChain): Verdict {
  const code = FEDERATION.exec(text)![0];
  const presented = {
    issuer: quotedAfter(text, /assertion issuer:? '/i),
    subject: quotedAfter(text, /assertion subject:? '/i),
    audience: quotedAfter(text, /assertion audience:? '/i),
  };
  const wanted = {
    issuer: expected.issuer,
    subject:
      expected.serviceAccountNamespace !== undefined && expected.serviceAccountName !== undefined
        ? `system:serviceaccount:${expected.serviceAccountNamespace}:${expected.serviceAccountName}`
        : undefined,
    audience: TOKEN_EXCHANGE_AUDIENCE,
  };
  const claims = ["issuer", "subject", "audience"] as const;
  const mismatches = claims.filter((c) => presented[c] !== undefined && wanted[c] !== undefined && presented[c] !== wanted[c]);
  if (mismatches.length > 0) {
    const differences = mismatches.map((c) => `the token's ${c} ${JSON.stringify(presented[c])} is not the stack's ${JSON.stringify(wanted[c])}`);
    return { kind: "fail", cause: "federation-mismatch", detail: `${code}: ${differences.join("; ")}` };
  }
  const known = claims.filter((c) => presented[c] !== undefined);
  if (known.length === 0) return { kind: "wait", cause: "federation-not-propagated", detail: lineWith(text, FEDERATION) };
  const shown = known.map((c) => `${c} ${JSON.stringify(presented[c])}`).join(", ");
  return {
    kind: "wait",
    cause: "federation-not-propagated",
    detail: `${code} for ${shown}${known.every((c) => wanted[c] !== undefined) ? ", as the stack's credential has them" : ""}`,
    fix: `${code}: Entra ID found no federated credential for ${shown}. New credentials take a little while to propagate; as it persisted, compare the identity's credentials with these values character by character, including the issuer's trailing '/': az identity federated-credential list -g <group> --identity-name <identity>.`,
  };
}

function forbiddenVerdict(text: string): Verdict {
  // Key Vault's message, inside the JSON body the Azure SDK prints: fields separated by "\r\n" escapes.
  const field = (name: string) => new RegExp(`${name}: ?'?([^'\\\\\\r\\n]*)`).exec(text)?.[1]?.trim();
  const principal = /\boid=([0-9a-fA-F-]{36})/.exec(text)?.[1];
  const client = /\bappid=([0-9a-fA-F-]{36})/.exec(text)?.[1];
  const resource = field("Resource");
  const assignment = field("Assignment");
  if (!principal || !resource) return { kind: "wait", cause: "rbac-not-propagated", detail: lineWith(text, FORBIDDEN) };
  const vault = /^(.*\/providers\/microsoft\.keyvault\/vaults\/[^/]+)/i.exec(resource)?.[1] ?? resource;
  const who = `principal ${principal}${client ? ` (client id ${client})` : ""}`;
  return {
    kind: "wait",
    cause: "rbac-not-propagated",
    detail: `403 ForbiddenByRbac: ${who} may not read ${resource}${assignment ? ` (assignment: ${assignment})` : ""}`,
    fix: `403 ForbiddenByRbac: role assignments can take up to ten minutes to propagate, and this one did not within the wait. Check that ${who} has "Key Vault Secrets User" on the vault or the secret: az role assignment list --assignee ${principal} --scope ${vault} -o table.`,
  };
}

function quotedAfter(text: string, prefix: RegExp): string | undefined {
  const match = prefix.exec(text);
  if (!match) return undefined;
  const start = match.index + match[0].length;
  const end = text.indexOf("'", start);
  return end < 0 ? undefined : text.slice(start, end);
}

function firstLine(text: string): string {
  return text.split("\n")[0].trim();
}

/**
 * One line for a klog entry: its message, and of a multi-line error the lines before the response
 * body (the Azure SDK's request, status and error code), without klog's header or separators.
 */
function summary(text: string): string {
  const [first, ...rest] = text.split("\n");
  const head = first.replace(KLOG_HEADER, "").replace(/ err=<$/, " err=");
  const lines: string[] = [];
  for (const line of rest) {
    const trimmed = line.trim();
    if (!line.startsWith("\t") || trimmed.startsWith("{")) break;
    if (trimmed !== "" && !/^-+$/.test(trimmed)) lines.push(trimmed);
  }
  const whole = [head.trim(), ...lines].join(" ");
  return whole.length > 300 ? `${whole.slice(0, 299)}…` : whole;
}

function lineWith(text: string, pattern: RegExp): string {
  return text.split("\n").find((l) => pattern.test(l))?.trim() ?? firstLine(text);
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
