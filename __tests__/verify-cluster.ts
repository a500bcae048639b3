import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { V1Container, V1ContainerStatus, V1Pod, V1PodCondition, V1Volume } from "@kubernetes/client-node";
import { runVerify } from "../lib/commands/verify";
import { ApiPod } from "../lib/verify/run";

/**
 * The verification pod and its log as a cluster shows them, for `npm run verify`'s tests.
 *
 * Pods are shaped as the Kubernetes API returns them (the client's V1Pod): the webhook's mutation
 * as Azure/azure-workload-identity's webhook makes it (pkg/webhook/webhook.go at v1.5.1,
 * 30e0f1b79f36c41a459bcf5331fe3641e1fab90a, and the v1.6.0 volume layout at
 * 04d01a2fc7f5024290a38f6ccaf69561cf70455d), container states as the kubelet reports a container
 * that exits 1 on every run. Logs are what examples/msal-go/main.go (same commit) writes through klog:
 * `"failed to get secret from keyvault" err=<...>` then exit 1, or `"successfully got secret"`. A plain
 * log request for a container waiting in CrashLoopBackOff returns its last run's log (the kubelet's
 * validateContainerLogStatus, pkg/kubelet/kubelet_pods.go), so scenarios serve the failure there.
 */

export const NAMESPACE = "default";
export const POD = "sample-workload-identity-key-vault";
export const SECRET = "my-secretabc123";
export const SERVICE_ACCOUNT = "workload-identity-saabc123";
export const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
export const CLIENT_ID = "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
export const PRINCIPAL_ID = "9a8b7c6d-5e4f-4321-8fed-cba987654321";
export const ISSUER = `https://eastus.oic.prod-aks.azure.com/${TENANT}/0b1c2d3e-4f5a-4b6c-9d8e-7f6a5b4c3d2e/`;
export const VAULT_URL = "https://kv-workload-idabc123.vault.azure.net/";
export const VAULT_ID = "/subscriptions/00000000-1111-2222-3333-444444444444/resourcegroups/myresourcegroupabc123/providers/microsoft.keyvault/vaults/kv-workload-idabc123";
export const SUBJECT = `system:serviceaccount:${NAMESPACE}:${SERVICE_ACCOUNT}`;

/** The stack's outputs, as `terraform output -json` writes them. */
export const OUTPUTS = {
  service_account_namespace: { value: NAMESPACE },
  service_account_name: { value: SERVICE_ACCOUNT },
  secret_name: { value: SECRET },
  key_vault_url: { value: VAULT_URL },
  oidc_issuer_url: { value: ISSUER },
  identity_client_id: { value: CLIENT_ID },
};

const CREATED = new Date("2026-06-11T10:00:00Z");
const at = (seconds: number) => new Date(CREATED.getTime() + seconds * 1000);
const CONTAINER_ID = (run: number) => `containerd://${run.toString(16).padStart(64, "0")}`;

export interface PodOptions {
  /** The webhook mutated the pod at admission. @default true */
  readonly injected?: boolean;
  /** The webhook's layout: v1.5 (volume azure-identity-token) or v1.6 (azure-workload-identity-reserved-<hash>). @default "v1.5" */
  readonly webhook?: "v1.5" | "v1.6";
  /** The label the webhook selects pods by. @default true */
  readonly labelled?: boolean;
  readonly secretName?: string;
  readonly clientId?: string;
}

/** What the kubelet reports of the one container. */
export type ContainerCondition =
  | { readonly running: true; readonly restarts?: number }
  | { readonly crashLoop: true; readonly restarts: number; readonly exitCode?: number }
  | { readonly pulling: "ErrImagePull" | "ImagePullBackOff"; readonly message: string }
  | { readonly creating: true }
  | { readonly unschedulable: string };

/** The verification pod as the API returns it. */
export function realPod(condition: ContainerCondition, options: PodOptions = {}): V1Pod {
  const injected = options.injected ?? true;
  const v16 = options.webhook === "v1.6";
  const tokenVolume = v16 ? "azure-workload-identity-reserved-8c1d5f0e2b7a4c3d9e6f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7" : "azure-identity-token";
  const tokenDir = v16 ? "/var/run/secrets/azure/wi" : "/var/run/secrets/azure/tokens";
  const tokenPath = v16 ? "token/azure-identity-token" : "azure-identity-token";
  const container: V1Container = {
    name: "oidc",
    image: "ghcr.io/azure/azure-workload-identity/msal-go",
    imagePullPolicy: "Always",
    env: [
      { name: "KEYVAULT_URL", value: VAULT_URL },
      { name: "SECRET_NAME", value: options.secretName ?? SECRET },
      ...(injected
        ? [
            { name: "AZURE_CLIENT_ID", value: options.clientId ?? CLIENT_ID },
            { name: "AZURE_TENANT_ID", value: TENANT },
            { name: "AZURE_FEDERATED_TOKEN_FILE", value: `${tokenDir}/${tokenPath}` },
            { name: "AZURE_AUTHORITY_HOST", value: "https://login.microsoftonline.com/" },
          ]
        : []),
    ],
    volumeMounts: [
      { name: "kube-api-access-7xk2p", mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true },
      ...(injected ? [{ name: tokenVolume, mountPath: tokenDir, readOnly: true }] : []),
    ],
    terminationMessagePath: "/dev/termination-log",
    terminationMessagePolicy: "File",
  };
  // Every pod has the service account's own projected token; only the webhook's is the identity's.
  const volumes: V1Volume[] = [
    {
      name: "kube-api-access-7xk2p",
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
          { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
          { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
        ],
      },
    },
    ...(injected
      ? [{ name: tokenVolume, projected: { defaultMode: 420, sources: [{ serviceAccountToken: { audience: "api://AzureADTokenExchange", expirationSeconds: 3600, path: tokenPath } }] } }]
      : []),
  ];

  const scheduled = !("unschedulable" in condition);
  const ready = "running" in condition;
  const conditions: V1PodCondition[] = scheduled
    ? [
        { type: "PodReadyToStartContainers", status: "True", lastTransitionTime: at(2) },
        { type: "Initialized", status: "True", lastTransitionTime: at(1) },
        ready
          ? { type: "Ready", status: "True", lastTransitionTime: at(9) }
          : { type: "Ready", status: "False", reason: "ContainersNotReady", message: "containers with unready status: [oidc]", lastTransitionTime: at(1) },
        ready
          ? { type: "ContainersReady", status: "True", lastTransitionTime: at(9) }
          : { type: "ContainersReady", status: "False", reason: "ContainersNotReady", message: "containers with unready status: [oidc]", lastTransitionTime: at(1) },
        { type: "PodScheduled", status: "True", lastTransitionTime: at(1) },
      ]
    : [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: condition.unschedulable, lastTransitionTime: at(1) }];

  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: POD,
      namespace: NAMESPACE,
      uid: "5d0c6a9e-3b1f-4e2a-9c7d-8f6e5d4c3b2a",
      creationTimestamp: CREATED,
      labels: options.labelled === false ? {} : { "azure.workload.identity/use": "true" },
    },
    spec: {
      serviceAccountName: SERVICE_ACCOUNT,
      serviceAccount: SERVICE_ACCOUNT,
      containers: [container],
      volumes,
      nodeSelector: { "kubernetes.io/os": "linux" },
      restartPolicy: "Always",
      ...(scheduled ? { nodeName: "aks-nodepool1-12345678-vmss000000" } : {}),
    },
    status: {
      phase: "running" in condition || "crashLoop" in condition ? "Running" : "Pending",
      conditions,
      qosClass: "BestEffort",
      startTime: scheduled ? at(1) : undefined,
      containerStatuses: scheduled ? [containerStatus(condition)] : undefined,
    },
  };
}

function containerStatus(condition: ContainerCondition): V1ContainerStatus {
  const base = { name: "oidc", image: "ghcr.io/azure/azure-workload-identity/msal-go:latest", imageID: "" };
  const digest = "ghcr.io/azure/azure-workload-identity/msal-go@sha256:3b1e0c5e8a2d4f6b7c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d";
  const lastRun = (restarts: number, exitCode: number) => ({
    terminated: { exitCode, reason: "Error", startedAt: at(10 * restarts), finishedAt: at(10 * restarts + 1), containerID: CONTAINER_ID(restarts) },
  });
  if ("running" in condition) {
    const restarts = condition.restarts ?? 0;
    return {
      ...base,
      imageID: digest,
      containerID: CONTAINER_ID(restarts + 1),
      ready: true,
      started: true,
      restartCount: restarts,
      state: { running: { startedAt: at(10 * restarts + 9) } },
      lastState: restarts > 0 ? lastRun(restarts, 1) : {},
    };
  }
  if ("crashLoop" in condition) {
    return {
      ...base,
      imageID: digest,
      containerID: CONTAINER_ID(condition.restarts),
      ready: false,
      started: false,
      restartCount: condition.restarts,
      state: { waiting: { reason: "CrashLoopBackOff", message: `back-off ${Math.min(10 * 2 ** (condition.restarts - 1), 300)}s restarting failed container=oidc pod=${POD}_${NAMESPACE}(5d0c6a9e-3b1f-4e2a-9c7d-8f6e5d4c3b2a)` } },
      lastState: lastRun(condition.restarts, condition.exitCode ?? 1),
    };
  }
  if ("pulling" in condition) {
    return { ...base, image: "ghcr.io/azure/azure-workload-identity/msal-go:v9.9.9", ready: false, started: false, restartCount: 0, state: { waiting: { reason: condition.pulling, message: condition.message } }, lastState: {} };
  }
  return { ...base, ready: false, started: false, restartCount: 0, state: { waiting: { reason: "ContainerCreating" } }, lastState: {} };
}

/** klog's header for a line the sample logs at main.go:LINE. */
const klog = (severity: "I" | "E" | "F", second: number, line: number) => `${severity}0611 10:00:${String(second).padStart(2, "0")}.${String(123456 + second).padStart(6, "0")}       1 main.go:${line}]`;

/** klog's rendering of an error whose text has line breaks (err=<, tab-indented lines, " >"). */
function failed(second: number, error: string): string {
  const lines = error.endsWith("\n") ? error.slice(0, -1).split("\n") : error.split("\n");
  return `${klog("E", second, 60)} "failed to get secret from keyvault" err=<\n${lines.map((l) => `\t${l}\n`).join("")} > keyvault="${VAULT_URL}" secretName="${SECRET}"\n`;
}

export const SUCCESS_LOG = `${klog("I", 41, 63)} "successfully got secret" secret="Hello!"\n`;

/** The token exchange refused: MSAL's error, which carries Entra ID's answer as JSON. */
export function aadsts70021(claims: { issuer?: string; subject?: string; audience?: string } = {}, second = 5): string {
  const description =
    `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${claims.issuer ?? ISSUER}'. ` +
    `Assertion Subject: '${claims.subject ?? SUBJECT}'. Assertion Audience: '${claims.audience ?? "api://AzureADTokenExchange"}'. ` +
    "https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation\r\nTrace ID: 72348f3f-7ab2-4ad1-a3e5-4fdc75f5ae00\r\nCorrelation ID: 21cae4b9-1c21-4751-bd19-5abac7dc93b6\r\nTimestamp: 2026-06-11 10:00:05Z";
  const body = JSON.stringify({
    error: "invalid_client",
    error_description: description,
    error_codes: [70021],
    timestamp: "2026-06-11 10:00:05Z",
    trace_id: "72348f3f-7ab2-4ad1-a3e5-4fdc75f5ae00",
    correlation_id: "21cae4b9-1c21-4751-bd19-5abac7dc93b6",
    error_uri: "https://login.microsoftonline.com/error?code=70021",
  });
  return failed(second, `FromAssertion(): http call(https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token)(POST) error: reply status code was 401:\n${body}`);
}

/** Key Vault's 403 as the Azure SDK's ResponseError prints it: request, status, error code, indented body. */
export function forbiddenByRbac(second = 7): string {
  const sep = "-".repeat(80);
  const message = [
    "Caller is not authorized to perform action on resource.",
    "If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.",
    `Caller: appid=${CLIENT_ID};oid=${PRINCIPAL_ID};iss=https://sts.windows.net/${TENANT}/`,
    "Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'",
    `Resource: '${VAULT_ID}/secrets/${SECRET}'`,
    "Assignment: (not found)",
    "DenyAssignmentId: null",
    "DecisionReason: null ",
    "Vault: kv-workload-idabc123;location=eastus",
    "",
  ].join("\\r\\n");
  const body = ["{", '  "error": {', '    "code": "Forbidden",', `    "message": "${message}",`, '    "innererror": {', '      "code": "ForbiddenByRbac"', "    }", "  }", "}"].join("\n");
  return failed(second, `GET ${VAULT_URL}secrets/${SECRET}/\n${sep}\nRESPONSE 403: 403 Forbidden\nERROR CODE: Forbidden\n${sep}\n${body}\n${sep}\n`);
}

/** Another Key Vault error the sample exits on: the secret does not exist. */
export function secretNotFound(second = 9): string {
  const sep = "-".repeat(80);
  const body = ["{", '  "error": {', '    "code": "SecretNotFound",', `    "message": "A secret with (name/id) ${SECRET} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182"`, "  }", "}"].join("\n");
  return failed(second, `GET ${VAULT_URL}secrets/${SECRET}/\n${sep}\nRESPONSE 404: 404 Not Found\nERROR CODE: SecretNotFound\n${sep}\n${body}\n${sep}\n`);
}

/** What the sample logs without the webhook's variables: klog.Fatal, exit 255. */
export const NO_CLIENT_ID_LOG = `${klog("F", 3, 34)} AZURE_CLIENT_ID environment variable is not set\n`;

/** What the API answers, call by call: the pod, and the log of the current and of the previous run. */
export interface Scenario {
  pod: (call: number) => V1Pod | undefined;
  log: (call: number) => string;
  /** The previous run's log (`previous=true`). @default - none: the API refuses, as for a container that never restarted */
  previousLog?: (call: number) => string;
}

let dir: string | undefined;
/** A directory with the stack's outputs, made once per test file. */
export function outputsFile(outputs: object = OUTPUTS): string {
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), "aks-wi-verify-"));
  const file = path.join(dir, `outputs-${fs.readdirSync(dir).length}.json`);
  fs.writeFileSync(file, JSON.stringify(outputs));
  return file;
}
export function removeOutputs(): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}

export interface VerifyResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The log requests made, in order: "current" or "previous". */
  readonly logReads: readonly string[];
}

/** `npm run verify` in this process, the API answering without HTTP the way the official client does. */
export async function verifyInProcess(scenario: Scenario, options: { args?: string[]; outputs?: object; beforeLog?: () => void } = {}): Promise<VerifyResult> {
  const calls = { pod: 0, log: 0, previous: 0 };
  const logReads: string[] = [];
  let stdout = "";
  let stderr = "";
  const file = outputsFile(options.outputs);
  const code = await runVerify(["--outputs", file, "--interval", "0.05", "--timeout", "1", ...(options.args ?? [])], {
    env: { TF_VAR_keyvault_secret_value: "Hello!" },
    cwd: path.dirname(file),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    connect: async () => ({
      async readNamespacedPod({ name, namespace }) {
        const body = name === POD && namespace === NAMESPACE ? scenario.pod(calls.pod++) : undefined;
        if (body === undefined) throw Object.assign(new Error("HTTP-Code: 404"), { code: 404 });
        // Through JSON, as the client receives it; the client's deserializer turns it back into V1Pod.
        return JSON.parse(JSON.stringify(body)) as ApiPod;
      },
      async readNamespacedPodLog({ name, namespace, container, previous }) {
        options.beforeLog?.();
        logReads.push(previous ? "previous" : "current");
        if (name !== POD || namespace !== NAMESPACE || container !== "oidc") return "";
        if (!previous) return scenario.log(calls.log++);
        if (!scenario.previousLog) throw Object.assign(new Error('HTTP-Code: 400 previous terminated container "oidc" not found'), { code: 400 });
        return scenario.previousLog(calls.previous++);
      },
    }),
  });
  return { code, stdout, stderr, logReads };
}
