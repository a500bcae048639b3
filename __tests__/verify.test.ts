import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import type { V1Pod } from "@kubernetes/client-node";
import { diagnose, maskSecrets } from "../lib/verify/diagnose";
import { aadsts70021, NAMESPACE, outputsFile, POD, realPod, removeOutputs, SUCCESS_LOG, verifyInProcess } from "./verify-cluster";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require("../scripts/build-app.js") as { ensureBuilt: (name: string) => string };

/**
 * `npm run verify` against a fake Kubernetes API: each scenario answers the pod and log requests in
 * turn, the way a cluster would while things propagate. A few scenarios run the real CLI, with the
 * official client, against that API served on loopback; the rest run the same code in this process
 * with the API answering directly (each CLI process spends most of a second loading the client).
 * Each diagnosis, on pods and logs shaped like real ones, is in verify.diagnose.test.ts.
 */
interface Scenario {
  pod: (call: number) => V1Pod | undefined;
  log: (call: number) => string;
}

// Each scenario starts the CLI, which loads the Kubernetes client: seconds on a busy machine.
jest.setTimeout(30000);

let dir: string;
let outputs: string;
let VERIFY: string;
beforeAll(() => {
  VERIFY = ensureBuilt("verify");
  outputs = outputsFile();
  dir = path.dirname(outputs);
});
afterAll(removeOutputs);

async function verify(scenario: Scenario, extraArgs: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const calls = { pod: 0, log: 0 };
  const server = http.createServer((req, res) => {
    const url = req.url ?? "";
    if (url.startsWith(`/api/v1/namespaces/${NAMESPACE}/pods/${POD}/log`)) {
      res.writeHead(200, { "content-type": "text/plain" }).end(scenario.log(calls.log++));
    } else if (url.startsWith(`/api/v1/namespaces/${NAMESPACE}/pods/${POD}`)) {
      const body = scenario.pod(calls.pod++);
      if (body) res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
      else res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ kind: "Status", code: 404, reason: "NotFound" }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const kubeconfig = path.join(dir, `kubeconfig-${port}`);
  fs.writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: http://127.0.0.1:${port}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: fake\ncontexts:\n- name: c\n  context:\n    cluster: fake\n    user: u\ncurrent-context: c\n`,
  );
  const child = spawn(process.execPath, [VERIFY, "--outputs", outputs, "--interval", "0.05", "--timeout", "1", ...extraArgs], {
    env: { ...process.env, KUBECONFIG: kubeconfig, TF_VAR_keyvault_secret_value: "Hello!" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  server.close();
  return { code, stdout, stderr };
}

// The real CLI: each scenario has its own server and process; most of their time is waiting, so they overlap.
// Each run loads the Kubernetes client (about a second of CPU), so the real process covers the ways in and
// out (pass, time-out on a missing pod, usage error); the polling and verdicts are tested in process below.
describe("npm run verify", () => {
  test.concurrent("passes when the pod logs that it got the secret, and masks the secret's value", async () => {
    const result = await verify({ pod: () => realPod({ running: true }), log: () => SUCCESS_LOG });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"successfully got secret" secret="****"');
    expect(result.stdout).toContain("PASS: the pod read the secret from Key Vault with its workload identity.");
    expect(result.stdout + result.stderr).not.toContain("Hello!");
  });

  test.concurrent("times out when the pod does not exist", async () => {
    const result = await verify({ pod: () => undefined, log: () => "" });
    expect(result.code).toBe(4);
    expect(result.stdout).toContain("TIMEOUT after 1s (pod-missing)");
  });

  test.concurrent("exits 2 on a usage error, one line, without a stack trace", async () => {
    const result = await verify({ pod: () => realPod({ running: true }), log: () => SUCCESS_LOG }, ["--timeout", "soon"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('verify: --timeout must be a number of seconds, not "soon"; e.g. --timeout 600\n');
  });
});

describe("verify's polling (in process)", () => {
  test.concurrent("waits while the log cannot be read yet (the API refuses it until the container starts)", async () => {
    let logCalls = 0;
    const result = await verifyInProcess(
      { pod: (n) => (n < 2 ? realPod({ creating: true }) : realPod({ running: true })), log: () => SUCCESS_LOG },
      {
        beforeLog: () => {
          if (++logCalls < 3) throw Object.assign(new Error("HTTP-Code: 400"), { code: 400 });
        },
      },
    );
    expect(logCalls).toBeGreaterThanOrEqual(3);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
  });

  test.concurrent("fails when the pod reads another secret than the stack's output", async () => {
    const result = await verifyInProcess({ pod: () => realPod({ running: true }, { secretName: "old-secret" }), log: () => SUCCESS_LOG });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('SECRET_NAME is "old-secret", expected "my-secretabc123"');
  });

  test.concurrent("judges by the last result in the log: a failure after a success is a failure", async () => {
    const result = await verifyInProcess({ pod: () => realPod({ crashLoop: true, restarts: 1 }), log: () => SUCCESS_LOG + aadsts70021({}, 59) });
    expect(result.code).toBe(4);
    expect(result.stdout).toContain("(federation-not-propagated)");
  });

  test.concurrent("still reads the stack's older outputs, without issuer, service account name or client id, and checks what it can", async () => {
    const result = await verifyInProcess(
      { pod: () => realPod({ crashLoop: true, restarts: 1 }), log: () => aadsts70021({ subject: "system:serviceaccount:default:default" }) },
      { outputs: { service_account_namespace: { value: NAMESPACE }, secret_name: { value: "my-secretabc123" } } },
    );
    expect(result.code).toBe(4);
    expect(result.stdout).toContain('  waiting: AADSTS70021 for issuer "https://eastus.oic.prod-aks.azure.com/');
    expect(result.stdout).not.toContain("as the stack's credential has them");
  });
});

describe("diagnose and maskSecrets", () => {
  test("mask the sample's secret value, and known values anywhere", () => {
    expect(maskSecrets('"successfully got secret" secret="Hello!"')).toBe('"successfully got secret" secret="****"');
    expect(maskSecrets("value Hello! again", ["Hello!"])).toBe("value **** again");
  });

  test("stay callable as diagnose(pod, log, secret name) on a view without the container's history", () => {
    const base = { ready: false, phase: "Pending", env: { SECRET_NAME: "s", AZURE_CLIENT_ID: "c", AZURE_FEDERATED_TOKEN_FILE: "f" } };
    expect(diagnose({ ...base, waiting: { reason: "ErrImagePull" } }, "", "s")).toMatchObject({ kind: "wait", cause: "image-pull" });
    expect(diagnose({ ...base, waiting: { reason: "ImagePullBackOff" } }, "", "s")).toMatchObject({ kind: "fail", cause: "image-pull" });
    expect(diagnose(base, "", "s")).toEqual({ kind: "wait", cause: "starting", detail: "phase Pending, not ready" });
  });

  test.concurrent("prints a hostile pod log as escapes on one line: no terminal control, carriage return or bidi override reaches the terminal", async () => {
    const hostile = 'E1128 10:00:00.000000       1 main.go:60] "failed to get secret from keyvault" err="AADSTS70021 \x1b]0;owned\x07\x1b[2J\rPASS: fine \u202egnorw\u202c"\n';
    const result = await verifyInProcess({ pod: () => realPod({ crashLoop: true, restarts: 1 }), log: () => hostile });
    expect(result.code).toBe(4);
    // eslint-disable-next-line no-control-regex
    expect(result.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f\u202a-\u202e]/);
    expect(result.stdout).toContain("\\u001b]0;owned\\u0007\\u001b[2J\\rPASS: fine \\u202egnorw\\u202c");
    expect(result.stdout.split("\n").filter((line) => line.startsWith("PASS"))).toEqual([]);
  });
});
