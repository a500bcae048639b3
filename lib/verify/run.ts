import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { diagnose, ExpectedChain, FIXES, maskSecrets, PodView, Verdict, wantsPreviousLog } from "./diagnose";
import { visible } from "../private/visible-text";

/** Exit codes: the chain works, it cannot work as deployed, or it did not work in time; 3 is a usage or setup error. */
export const EXIT = { pass: 0, fail: 1, timeout: 2, setup: 3 } as const;

export interface VerifyIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** The two calls verify makes of the Kubernetes API; by default the official client with the user's kubeconfig. */
  readonly connect?: () => Promise<PodApi>;
}

/** The part of the client's `CoreV1Api` that verify uses. A missing pod rejects with `{ code: 404 }`. */
export interface PodApi {
  readNamespacedPod(request: { name: string; namespace: string }): Promise<ApiPod>;
  readNamespacedPodLog(request: { name: string; namespace: string; container: string; previous?: boolean }): Promise<string>;
}

interface Options {
  readonly outputsFile?: string;
  readonly stackDir: string;
  readonly timeoutSeconds: number;
  readonly intervalSeconds: number;
  readonly podName: string;
}

const USAGE =
  "usage: npm run verify -- [--timeout SECONDS (600)] [--interval SECONDS (5)] [--outputs FILE (terraform output -json)] [--stack DIR] [--pod NAME]";

function parseArgs(argv: readonly string[], cwd: string): Options | string {
  const options = { stackDir: path.join(cwd, "cdktf.out", "stacks", "aks-workload-identity"), timeoutSeconds: 600, intervalSeconds: 5, podName: "sample-workload-identity-key-vault" } as {
    -readonly [K in keyof Options]: Options[K];
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) return `${flag} needs a value`;
    i++;
    if (flag === "--timeout" || flag === "--interval") {
      const seconds = Number(value);
      if (!Number.isFinite(seconds) || seconds < 0 || (flag === "--interval" && seconds === 0)) {
        return `${flag} must be a ${flag === "--interval" ? "positive " : ""}number of seconds, not ${JSON.stringify(value)}`;
      }
      options[flag === "--timeout" ? "timeoutSeconds" : "intervalSeconds"] = seconds;
    } else if (flag === "--outputs") options.outputsFile = path.resolve(cwd, value);
    else if (flag === "--stack") options.stackDir = path.resolve(cwd, value);
    else if (flag === "--pod") options.podName = value;
    else return `unknown option ${flag}`;
  }
  return options;
}

interface StackOutputs {
  readonly namespace: string;
  readonly secretName: string;
  /** What the pod's token and identity should be, where the outputs say. */
  readonly expected: ExpectedChain;
}

function readOutputs(options: Options): StackOutputs {
  const text = options.outputsFile
    ? fs.readFileSync(options.outputsFile, "utf8")
    : execFileSync("terraform", ["output", "-json"], { cwd: options.stackDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const outputs = JSON.parse(text) as Record<string, { value?: unknown }>;
  const value = (name: string) => {
    const v = outputs[name]?.value;
    if (typeof v !== "string" || v === "") throw new Error(`the stack has no output ${name}; deploy first (npx cdktf deploy)`);
    return v;
  };
  const optional = (name: string) => (typeof outputs[name]?.value === "string" ? (outputs[name].value as string) : undefined);
  const namespace = value("service_account_namespace");
  return {
    namespace,
    secretName: value("secret_name"),
    expected: {
      issuer: optional("oidc_issuer_url"),
      serviceAccountNamespace: namespace,
      serviceAccountName: optional("service_account_name"),
      clientId: optional("identity_client_id"),
    },
  };
}

/** The Kubernetes API through the official client, with the user's kubeconfig. */
async function officialClient(): Promise<PodApi> {
  // The client is an ES module; this file is CommonJS.
  const k8s = await import("@kubernetes/client-node");
  const config = new k8s.KubeConfig();
  config.loadFromDefault();
  return config.makeApiClient(k8s.CoreV1Api);
}

interface PodReader {
  readPod(namespace: string, name: string): Promise<PodView | undefined>;
  readLog(namespace: string, name: string, previous?: boolean): Promise<string>;
}

function podReader(api: PodApi): PodReader {
  return {
    async readPod(namespace, name) {
      try {
        return toView(await api.readNamespacedPod({ name, namespace }));
      } catch (error) {
        if ((error as { code?: number }).code === 404) return undefined;
        throw error;
      }
    },
    async readLog(namespace, name, previous) {
      try {
        return await api.readNamespacedPodLog({ name, namespace, container: "oidc", ...(previous ? { previous } : {}) });
      } catch {
        return ""; // no log: the container has not started, or has had no previous run
      }
    },
  };
}

/** A pod as the API returns it, reduced to the fields verify reads. */
export interface ApiPod {
  metadata?: { labels?: { [key: string]: string } };
  spec?: {
    containers?: Array<{ env?: Array<{ name: string; value?: string }> }>;
    volumes?: Array<{ projected?: { sources?: Array<{ serviceAccountToken?: { path: string } }> } }>;
  };
  status?: {
    phase?: string;
    conditions?: Array<{ type: string; status: string; message?: string }>;
    containerStatuses?: Array<{
      restartCount?: number;
      state?: ContainerState;
      lastState?: ContainerState;
    }>;
  };
}

type ContainerState = { waiting?: { reason?: string; message?: string }; terminated?: { exitCode: number; reason?: string } };

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
 * `npm run verify`: waits for the verification pod to read its secret through workload identity,
 * through the documented propagation window, and explains a failure by its known cause.
 */
export async function runVerify(argv: readonly string[], io: VerifyIo): Promise<number> {
  const options = parseArgs(argv, io.cwd);
  if (typeof options === "string") {
    io.stderr.write(`verify: ${options}\n${USAGE}\n`);
    return EXIT.setup;
  }
  let outputs: StackOutputs;
  let cluster: PodReader;
  try {
    outputs = readOutputs(options);
    cluster = podReader(await (io.connect ?? officialClient)());
  } catch (error) {
    io.stderr.write(`verify: ${(error as Error).message.split("\n")[0]}\n`);
    return EXIT.setup;
  }
  const known = [io.env.TF_VAR_keyvault_secret_value ?? ""];
  // One line each: pod logs and API messages are the cluster's text, not ours.
  const print = (line: string) => io.stdout.write(`${visible(maskSecrets(line, known))}\n`);
  print(`verify: pod ${outputs.namespace}/${options.podName}, secret ${outputs.secretName}, waiting up to ${options.timeoutSeconds}s`);

  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let last: Verdict | undefined;
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
    } catch (error) {
      io.stderr.write(`verify: the Kubernetes API failed: ${(error as Error).message.split("\n")[0]}\n`);
      return EXIT.setup;
    }
    if (verdict.kind !== last?.kind || verdict.detail !== last.detail) print(`  ${verdict.kind === "wait" ? "waiting" : verdict.kind}: ${verdict.detail}`);
    last = verdict;
    if (verdict.kind === "pass") {
      print("PASS: the pod read the secret from Key Vault with its workload identity.");
      return EXIT.pass;
    }
    if (verdict.kind === "fail") {
      print(`FAIL (${verdict.cause}): ${verdict.fix ?? FIXES[verdict.cause]}`);
      return EXIT.fail;
    }
    if (Date.now() >= deadline) {
      print(`TIMEOUT after ${options.timeoutSeconds}s (${verdict.cause}): ${verdict.fix ?? FIXES[verdict.cause]}`);
      return EXIT.timeout;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalSeconds * 1000));
  }
}
