import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { diagnose, ExpectedChain, FIXES, maskSecrets, PodView, Verdict, wantsPreviousLog } from "./diagnose";
import { officialClient, RequestTimeout, SetupError } from "./kube-client";
import type { ApiPod, PodApi } from "./pod-api";
import { maskKnownSecrets, maskSecretText, redactUrls } from "./redact";
import { visible } from "../private/visible-text";
import { isObject } from "../terraform-json/json";

/** How verify ended: the chain works, it cannot work as deployed, it did not work in time, or verify could not start or reach the cluster. */
export type VerifyOutcome = "pass" | "fail" | "timeout" | "setup";

/** Longest any one request to the API server may take, within what is left of --timeout. */
const REQUEST_TIMEOUT_MS = 30_000;
/** The least a request is given, even when --timeout has run out: the last poll still gets an answer. */
const MIN_REQUEST_MS = 1_000;
/** The least `terraform output -json` is given (it may read remote state); otherwise --timeout. */
const TERRAFORM_OUTPUT_MIN_MS = 30_000;
/** The log is read from its end: the sample's result is in its last lines. */
const LOG_TAIL_LINES = 500;
const LOG_LIMIT_BYTES = 256 * 1024;
/** Largest outputs file read: the stack's outputs are a few KiB. */
const MAX_OUTPUTS_BYTES = 4 * 1024 * 1024;
/** The stack's name: the key of its outputs in cdktf's outputs file (written out so verify does not load cdktf). */
const STACK_NAME = "aks-workload-identity";

/** The stack's synthesized directory, where `terraform output -json` runs by default. */
export const DEFAULT_STACK_DIR = path.join("cdktf.out", "stacks", STACK_NAME);
/** The verification pod's name. */
export const DEFAULT_POD = "sample-workload-identity-key-vault";

export interface VerifyIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** The two calls verify makes of the Kubernetes API; by default the official client with the user's kubeconfig. */
  readonly connect?: () => Promise<PodApi>;
}


export type { ApiPod, PodApi } from "./pod-api";

export interface VerifyOptions {
  /** The stack's outputs file (absolute); without it, `terraform output -json` in `stackDir`. */
  readonly outputsFile?: string;
  /** The synthesized stack's directory (absolute). */
  readonly stackDir: string;
  readonly timeoutSeconds: number;
  readonly intervalSeconds: number;
  readonly podName: string;
}

type Options = VerifyOptions;

interface StackOutputs {
  readonly namespace: string;
  readonly secretName: string;
  /** What the pod's token and identity should be, where the outputs say. */
  readonly expected: ExpectedChain;
  /** The command that writes a kubeconfig for the stack's cluster, with its real names where the outputs have them. */
  readonly getCredentials: string;
}

const GET_CREDENTIALS = "az aks get-credentials --resource-group <group> --name <cluster>";

function readOutputs(options: Options, timeoutMs: number): StackOutputs {
  let text: string;
  let from: string;
  if (options.outputsFile) {
    from = options.outputsFile;
    text = readSmallFile(options.outputsFile);
  } else {
    from = `terraform output -json (in ${options.stackDir})`;
    text = terraformOutput(options.stackDir, timeoutMs);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SetupError(`${from} is not JSON (${(error as Error).message.split("\n")[0]})`);
  }
  const outputs = outputValues(parsed);
  if (outputs === undefined) {
    throw new SetupError(`${from} is neither the JSON of terraform output -json nor the outputs file of npx cdktf deploy --outputs-file`);
  }
  const optional = (name: string) => (typeof outputs[name] === "string" && outputs[name] !== "" ? (outputs[name] as string) : undefined);
  const value = (name: string) => {
    const v = optional(name);
    if (v === undefined) throw new SetupError(`the stack has no output ${name} (read from ${from}); deploy first (npx cdktf deploy)`);
    return v;
  };
  const [group, cluster] = [optional("resource_group_name"), optional("cluster_name")];
  const namespace = value("service_account_namespace");
  return {
    namespace,
    getCredentials: group && cluster ? `az aks get-credentials --resource-group ${group} --name ${cluster}` : GET_CREDENTIALS,
    secretName: value("secret_name"),
    expected: {
      issuer: optional("oidc_issuer_url"),
      serviceAccountNamespace: namespace,
      serviceAccountName: optional("service_account_name"),
      clientId: optional("identity_client_id"),
    },
  };
}

/**
 * The outputs by name, from `terraform output -json` (`{"name": {"value": ...}}`) or from cdktf's
 * outputs file (`{"<stack>": {"name": value}}`); undefined for anything else.
 */
export function outputValues(parsed: unknown): Record<string, unknown> | undefined {
  if (!isObject(parsed)) return undefined;
  const entries = Object.entries(parsed);
  if (entries.length === 0) return {}; // terraform output -json of a stack not yet applied
  if (entries.every(([, v]) => isObject(v) && "value" in v)) return Object.fromEntries(entries.map(([k, v]) => [k, (v as { value: unknown }).value]));
  const stack = isObject(parsed[STACK_NAME]) ? parsed[STACK_NAME] : entries.length === 1 && isObject(entries[0][1]) ? entries[0][1] : undefined;
  return stack !== undefined && "service_account_namespace" in stack ? stack : undefined;
}

/** `terraform output -json` in the stack directory, within `timeoutMs`. */
function terraformOutput(stackDir: string, timeoutMs: number): string {
  if (!fs.existsSync(stackDir)) {
    throw new SetupError(`there is no stack directory ${stackDir}: synthesize and deploy first (npx cdktf deploy), or give --outputs FILE`);
  }
  try {
    return execFileSync("terraform", ["output", "-json"], {
      cwd: stackDir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: timeoutMs,
      killSignal: "SIGKILL",
      maxBuffer: MAX_OUTPUTS_BYTES,
    });
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
    if (code === "ENOENT") throw new SetupError("terraform is not on PATH; give --outputs FILE (terraform output -json > FILE, or npx cdktf deploy --outputs-file FILE)");
    if (code === "ETIMEDOUT") throw new SetupError(`terraform output -json did not finish within ${Math.ceil(timeoutMs / 1000)} s (in ${stackDir})`);
    const reason = String(stderr ?? "").split("\n").find((l) => l.trim() !== "") ?? (error as Error).message.split("\n")[0];
    throw new SetupError(`terraform output -json failed in ${stackDir}: ${reason.trim()}`);
  }
}

/** A regular file of at most MAX_OUTPUTS_BYTES, opened without waiting (a FIFO would block). */
function readSmallFile(file: string): string {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SetupError(code === "ENOENT" ? `--outputs names ${file}, which does not exist` : `--outputs names ${file}, which cannot be read (${code})`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new SetupError(`--outputs names ${file}, which is not a regular file`);
    if (stat.size > MAX_OUTPUTS_BYTES) throw new SetupError(`--outputs names ${file}, of ${stat.size} bytes; outputs are a few KiB`);
    return fs.readFileSync(fd, "utf8");
  } finally {
    fs.closeSync(fd);
  }
}

/** `promise`, or a RequestTimeout after `ms`: a hung server or credential plugin cannot hold verify past its time. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RequestTimeout(ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface PodReader {
  readPod(namespace: string, name: string): Promise<PodView | undefined>;
  readLog(namespace: string, name: string, previous?: boolean): Promise<string>;
}

function podReader(api: PodApi, requestMs: () => number): PodReader {
  return {
    async readPod(namespace, name) {
      try {
        return toView(await withTimeout(api.readNamespacedPod({ name, namespace }), requestMs()));
      } catch (error) {
        if ((error as { code?: number }).code === 404) return undefined;
        throw error;
      }
    },
    async readLog(namespace, name, previous) {
      try {
        const request = { name, namespace, container: "oidc", tailLines: LOG_TAIL_LINES, limitBytes: LOG_LIMIT_BYTES, ...(previous ? { previous } : {}) };
        return await withTimeout(api.readNamespacedPodLog(request), requestMs());
      } catch (error) {
        // A server that never answers is not "no log yet": the poll loop reports it as the server's.
        if (error instanceof RequestTimeout) throw error;
        return ""; // no log: the container has not started, or has had no previous run
      }
    },
  };
}


/**
 * The webhook's token is a projected service account token at `azure-identity-token` (webhook up
 * to v1.5, volume azure-identity-token) or `token/azure-identity-token` (v1.6, volume
 * azure-workload-identity-reserved-<hash>): matched by the file, not the volume's name.
 */
const TOKEN_FILE = /(^|\/)azure-identity-token$/;

function toView(pod: ApiPod): PodView {
  const conditions = pod.status?.conditions ?? [];
  const scheduled = conditions.find((c) => c.type === "PodScheduled");
  const container = pod.status?.containerStatuses?.[0];
  const waiting = container?.state?.waiting;
  const exit = container?.state?.terminated ?? container?.lastState?.terminated;
  return {
    phase: pod.status?.phase,
    ready: conditions.some((c) => c.type === "Ready" && c.status === "True"),
    unschedulable: scheduled?.status === "False" ? (scheduled.message ?? "unschedulable") : undefined,
    waiting: waiting?.reason ? { reason: waiting.reason, message: waiting.message } : undefined,
    env: Object.fromEntries((pod.spec?.containers?.[0]?.env ?? []).map((e) => [e.name, e.value])),
    restartCount: container?.restartCount,
    lastExit: exit ? { exitCode: exit.exitCode, reason: exit.reason } : undefined,
    tokenVolume: (pod.spec?.volumes ?? []).some((v) => (v.projected?.sources ?? []).some((s) => TOKEN_FILE.test(s.serviceAccountToken?.path ?? ""))),
    labels: pod.metadata?.labels ?? {},
  };
}

/**
 * What `npm run verify` does (lib/commands/verify.ts reads its arguments): waits for the verification
 * pod to read its secret through workload identity, through the documented propagation window, and
 * explains a failure by its known cause. Progress and the verdict are written to `io`, the secret
 * masked in every form.
 * @returns how it ended, which the command turns into its exit code
 */
export async function verifyDeployment(options: VerifyOptions, io: VerifyIo): Promise<VerifyOutcome> {
  const known = [io.env.TF_VAR_keyvault_secret_value ?? ""];
  // One line each, the secret masked in any form and credentials cut from URLs: pod logs, API
  // messages and kubeconfig entries are the cluster's and the user's text, not ours. Values of
  // secret-named keys are masked in what the pod or the API wrote, not in our own advice ("the
  // secret: az role assignment list ..." is a command, not a value).
  const safe = (line: string, written = true) => visible(redactUrls(written ? maskSecretText(maskSecrets(line, known), known) : maskKnownSecrets(line, known)));
  const print = (line: string) => io.stdout.write(`${safe(line)}\n`);
  const advise = (line: string) => io.stdout.write(`${safe(line, false)}\n`);
  const complain = (line: string) => io.stderr.write(`verify: ${safe(line)}\n`);
  // --timeout is the wait for the pod, from the first poll; reading the outputs and loading the
  // client (a second of CPU) come before it, terraform bounded on its own.
  let deadline = Infinity;
  const requestMs = () => Math.min(REQUEST_TIMEOUT_MS, Math.max(MIN_REQUEST_MS, deadline - Date.now()));
  let outputs: StackOutputs;
  let cluster: PodReader;
  let server: string | undefined;
  try {
    outputs = readOutputs(options, Math.max(TERRAFORM_OUTPUT_MIN_MS, options.timeoutSeconds * 1000));
    const client = io.connect ? { api: await io.connect(), server: undefined } : await officialClient(io.env, requestMs, outputs.getCredentials);
    cluster = podReader(client.api, requestMs);
    server = client.server;
  } catch (error) {
    complain(error instanceof SetupError ? error.message : (error as Error).message.split("\n")[0]);
    return "setup";
  }
  print(`verify: pod ${outputs.namespace}/${options.podName}, secret ${outputs.secretName}, waiting up to ${options.timeoutSeconds}s`);
  const apiServer = server === undefined ? "the Kubernetes API server" : `the Kubernetes API server ${server}`;
  deadline = Date.now() + options.timeoutSeconds * 1000;

  let last: Verdict | undefined;
  let unanswered = false;
  // Never past the deadline: an --interval longer than what is left would overrun --timeout.
  const pause = () => new Promise((resolve) => setTimeout(resolve, Math.min(options.intervalSeconds * 1000, Math.max(0, deadline - Date.now()))));
  for (;;) {
    let verdict: Verdict;
    try {
      const pod = await cluster.readPod(outputs.namespace, options.podName);
      const current = pod ? await cluster.readLog(outputs.namespace, options.podName) : "";
      // A crash-looping sample's result is in its previous run's log until the new run logs one.
      const previous = pod && wantsPreviousLog(pod, current) ? await cluster.readLog(outputs.namespace, options.podName, true) : "";
      const log = [previous, current].filter((text) => text !== "").join("\n");
      verdict = diagnose(pod, log, outputs.secretName, outputs.expected);
      if (verdict.kind === "pass") print(`  ${log.split("\n").filter((l) => l.includes("successfully got secret")).pop()?.trim() ?? ""}`);
      unanswered = false;
    } catch (error) {
      if (error instanceof RequestTimeout) {
        // A server that accepts and never answers: keep polling while there is time.
        if (Date.now() >= deadline) {
          print(`TIMEOUT after ${options.timeoutSeconds}s: ${apiServer} did not answer (${error.message}). Check that it is reachable and that your kubeconfig is for this cluster: ${outputs.getCredentials}`);
          return "timeout";
        }
        if (!unanswered) print(`  waiting: ${apiServer} did not answer (${error.message})`);
        unanswered = true;
        await pause();
        continue;
      }
      complain(apiFailure(error, apiServer, outputs.getCredentials));
      return "setup";
    }
    if (verdict.kind !== last?.kind || verdict.detail !== last.detail) print(`  ${verdict.kind === "wait" ? "waiting" : verdict.kind}: ${verdict.detail}`);
    last = verdict;
    if (verdict.kind === "pass") {
      print("PASS: the pod read the secret from Key Vault with its workload identity.");
      return "pass";
    }
    if (verdict.kind === "fail") {
      advise(`FAIL (${verdict.cause}): ${verdict.fix ?? FIXES[verdict.cause]}`);
      return "fail";
    }
    if (Date.now() >= deadline) {
      advise(`TIMEOUT after ${options.timeoutSeconds}s (${verdict.cause}): ${verdict.fix ?? FIXES[verdict.cause]}`);
      return "timeout";
    }
    await pause();
  }
}

/** One line for a failed request: unreachable, or refused, and what to check. */
function apiFailure(error: unknown, apiServer: string, getCredentials: string): string {
  const { code, body } = error as { code?: unknown; body?: unknown };
  if (typeof code === "number") {
    const message = typeof body === "object" && body !== null && typeof (body as { message?: unknown }).message === "string" ? `: ${(body as { message: string }).message}` : "";
    const hint = code === 401 || code === 403 ? `your credentials for it were refused; get them again with: ${getCredentials}` : "check that your kubeconfig is for this cluster";
    return `${apiServer} answered HTTP ${code}${message.split("\n")[0].slice(0, 300)}; ${hint}`;
  }
  const reason = typeof code === "string" ? code : (error as Error).message.split("\n")[0];
  return `cannot reach ${apiServer} (${reason}); check that it is reachable and that your kubeconfig is for this cluster: ${getCredentials}`;
}
