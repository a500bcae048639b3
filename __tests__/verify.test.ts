import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { diagnose, maskSecrets } from "../lib/verify/diagnose";
import { ApiPod, runVerify } from "../lib/verify/run";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require("../scripts/build-app.js") as { ensureBuilt: (name: string) => string };

/**
 * `npm run verify` against a fake Kubernetes API: each scenario answers the pod and log requests in
 * turn, the way a cluster would while things propagate. A few scenarios run the real CLI, with the
 * official client, against that API served on loopback; the rest run the same code in this process
 * with the API answering directly (each CLI process spends most of a second loading the client).
 */
interface Scenario {
  pod: (call: number) => object | undefined;
  log: (call: number) => string;
}

// Each scenario starts the CLI, which loads the Kubernetes client: seconds on a busy machine.
jest.setTimeout(30000);

const NAMESPACE = "default";
const POD = "sample-workload-identity-key-vault";
const SECRET = "my-secretabc123";

function pod(options: { ready?: boolean; injected?: boolean; secretName?: string; waiting?: object; unschedulable?: string } = {}): object {
  const env = [
    { name: "KEYVAULT_URL", value: "https://kv-workload-idabc123.vault.azure.net/" },
    { name: "SECRET_NAME", value: options.secretName ?? SECRET },
    ...(options.injected === false
      ? []
      : [
          { name: "AZURE_CLIENT_ID", value: "00000000-0000-0000-0000-000000000001" },
          { name: "AZURE_TENANT_ID", value: "00000000-0000-0000-0000-000000000002" },
          { name: "AZURE_FEDERATED_TOKEN_FILE", value: "/var/run/secrets/azure/tokens/azure-identity-token" },
          { name: "AZURE_AUTHORITY_HOST", value: "https://login.microsoftonline.com/" },
        ]),
  ];
  const conditions = [
    { type: "PodScheduled", status: options.unschedulable ? "False" : "True", message: options.unschedulable },
    { type: "Ready", status: options.ready === false ? "False" : "True" },
  ];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: POD, namespace: NAMESPACE },
    spec: { containers: [{ name: "oidc", image: "ghcr.io/azure/azure-workload-identity/msal-go", env }] },
    status: {
      phase: options.ready === false ? "Pending" : "Running",
      conditions,
      containerStatuses: [{ name: "oidc", ready: options.ready !== false, state: options.waiting ? { waiting: options.waiting } : { running: {} } }],
    },
  };
}

const SUCCESS_LOG = 'I1128 10:00:00.000000       1 main.go:63] "successfully got secret" secret="Hello!"\n';
const AADSTS = 'E1128 10:00:00.000000       1 main.go:48] "failed to get secret" err="AADSTS70021: No matching federated identity record found for presented assertion."\n';
const FORBIDDEN = 'E1128 10:00:00.000000       1 main.go:48] "failed to get secret" err="GET https://kv.vault.azure.net/secrets/x RESPONSE 403: 403 Forbidden ERROR CODE: Forbidden ForbiddenByRbac"\n';

let dir: string;
let VERIFY: string;
beforeAll(() => {
  VERIFY = ensureBuilt("verify");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "aks-wi-verify-"));
  fs.writeFileSync(
    path.join(dir, "outputs.json"),
    JSON.stringify({ service_account_namespace: { value: NAMESPACE }, secret_name: { value: SECRET }, key_vault_url: { value: "https://x/" } }),
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

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
  const child = spawn(process.execPath, [VERIFY, "--outputs", path.join(dir, "outputs.json"), "--interval", "0.05", "--timeout", "1", ...extraArgs], {
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

/** The same scenario through `runVerify` in this process, the API answering without HTTP. */
async function verifyInProcess(scenario: Scenario, extraArgs: string[] = [], beforeLog = () => {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const calls = { pod: 0, log: 0 };
  let stdout = "";
  let stderr = "";
  const code = await runVerify(["--outputs", path.join(dir, "outputs.json"), "--interval", "0.05", "--timeout", "1", ...extraArgs], {
    env: { TF_VAR_keyvault_secret_value: "Hello!" },
    cwd: dir,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    connect: async () => ({
      async readNamespacedPod({ name, namespace }) {
        const body = name === POD && namespace === NAMESPACE ? scenario.pod(calls.pod++) : undefined;
        if (body === undefined) throw Object.assign(new Error("HTTP-Code: 404"), { code: 404 });
        return body as ApiPod;
      },
      async readNamespacedPodLog({ name, namespace, container }) {
        beforeLog();
        // Any other pod or container has no log (verify reads a missing log as empty, so no throw here).
        return name === POD && namespace === NAMESPACE && container === "oidc" ? scenario.log(calls.log++) : "";
      },
    }),
  });
  return { code, stdout, stderr };
}

// The real CLI: each scenario has its own server and process; most of their time is waiting, so they overlap.
// Each run loads the Kubernetes client (about a second of CPU), so the real process covers the ways in and
// out (pass, time-out on a missing pod, usage error); the polling and verdicts are tested in process below.
describe("npm run verify", () => {
  test.concurrent("passes when the pod logs that it got the secret, and masks the secret's value", async () => {
    const result = await verify({ pod: () => pod(), log: () => SUCCESS_LOG });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"successfully got secret" secret="****"');
    expect(result.stdout).toContain("PASS: the pod read the secret from Key Vault with its workload identity.");
    expect(result.stdout + result.stderr).not.toContain("Hello!");
  });

  test.concurrent("times out when the pod does not exist", async () => {
    const result = await verify({ pod: () => undefined, log: () => "" });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("TIMEOUT after 1s (pod-missing)");
  });

  test.concurrent("exits 3 on a usage error, without a stack trace", async () => {
    const result = await verify({ pod: () => pod(), log: () => SUCCESS_LOG }, ["--timeout", "soon"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^verify: --timeout must be a number of seconds, not "soon"\nusage: /);
  });
});

describe("verify's polling and verdicts (in process)", () => {
  test.concurrent("waits through AADSTS70021 while the federated credential propagates, then passes", async () => {
    const result = await verifyInProcess({ pod: () => pod(), log: (n) => (n < 3 ? AADSTS : AADSTS + SUCCESS_LOG) });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("waiting: ");
    expect(result.stdout).toContain("AADSTS70021");
    expect(result.stdout).toContain("PASS: the pod read the secret from Key Vault with its workload identity.");
  });

  test.concurrent("waits while the log cannot be read yet (the API refuses it until the container starts)", async () => {
    let logCalls = 0;
    const result = await verifyInProcess({ pod: () => pod(), log: () => SUCCESS_LOG }, [], () => {
      if (++logCalls < 3) throw Object.assign(new Error("HTTP-Code: 400"), { code: 400 });
    });
    expect(logCalls).toBeGreaterThanOrEqual(3);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
  });

  test.concurrent("times out with exit 2 and the issuer fix when AADSTS70021 persists", async () => {
    const result = await verifyInProcess({ pod: () => pod(), log: () => AADSTS });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/TIMEOUT after 1s \(federation-not-propagated\): AADSTS70021: .*trailing '\/'/);
  });

  test.concurrent("times out with the RBAC propagation fix on 403 ForbiddenByRbac", async () => {
    const result = await verifyInProcess({ pod: () => pod(), log: () => FORBIDDEN });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/TIMEOUT after 1s \(rbac-not-propagated\): 403 ForbiddenByRbac: .*up to ten minutes/);
  });

  test.concurrent("fails at once when the webhook did not inject the identity", async () => {
    const result = await verifyInProcess({ pod: () => pod({ injected: false }), log: () => "" });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL \(webhook-not-injected\): .*azure\.workload\.identity\/use/);
  });

  test.concurrent("fails at once on an image pull error", async () => {
    const waiting = { reason: "ImagePullBackOff", message: 'Back-off pulling image "ghcr.io/nope"' };
    const result = await verifyInProcess({ pod: () => pod({ ready: false, waiting }), log: () => "" });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('fail: ImagePullBackOff: Back-off pulling image "ghcr.io/nope"');
    expect(result.stdout).toContain("FAIL (image-pull): The image cannot be pulled.");
  });

  test.concurrent("times out explaining why the pod is not scheduled", async () => {
    const result = await verifyInProcess({ pod: () => pod({ ready: false, unschedulable: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector." }), log: () => "" });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("waiting: 0/1 nodes are available");
    expect(result.stdout).toContain("TIMEOUT after 1s (not-scheduled)");
  });

  test.concurrent("fails when the pod reads another secret than the stack's output", async () => {
    const result = await verifyInProcess({ pod: () => pod({ secretName: "old-secret" }), log: () => SUCCESS_LOG });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('SECRET_NAME is "old-secret", expected "my-secretabc123"');
  });
});

describe("diagnose and maskSecrets", () => {
  test("mask the sample's secret value, and known values anywhere", () => {
    expect(maskSecrets('"successfully got secret" secret="Hello!"')).toBe('"successfully got secret" secret="****"');
    expect(maskSecrets("value Hello! again", ["Hello!"])).toBe("value **** again");
  });

  test("wait through a single ErrImagePull, which the kubelet retries, and fail on back-off", () => {
    const base = { ready: false, phase: "Pending", env: { SECRET_NAME: "s", AZURE_CLIENT_ID: "c", AZURE_FEDERATED_TOKEN_FILE: "f" } };
    expect(diagnose({ ...base, waiting: { reason: "ErrImagePull" } }, "", "s").kind).toBe("wait");
    expect(diagnose({ ...base, waiting: { reason: "ImagePullBackOff" } }, "", "s")).toMatchObject({ kind: "fail", cause: "image-pull" });
  });

  test("wait for a pod that is still starting", () => {
    expect(diagnose({ ready: false, phase: "Pending", env: { SECRET_NAME: "s", AZURE_CLIENT_ID: "c", AZURE_FEDERATED_TOKEN_FILE: "f" } }, "", "s")).toEqual({
      kind: "wait",
      cause: "starting",
      detail: "phase Pending, not ready",
    });
  });

  test.concurrent("prints a hostile pod log as escapes on one line: no terminal control, carriage return or bidi override reaches the terminal", async () => {
    const hostile = 'E1128 10:00:00.000000       1 main.go:48] "failed to get secret" err="AADSTS70021 \x1b]0;owned\x07\x1b[2J\rPASS: fine \u202egnorw\u202c"\n';
    const result = await verifyInProcess({ pod: () => pod(), log: () => hostile });
    expect(result.code).toBe(2);
    // eslint-disable-next-line no-control-regex
    expect(result.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f\u202a-\u202e]/);
    expect(result.stdout).toContain("\\u001b]0;owned\\u0007\\u001b[2J\\rPASS: fine \\u202egnorw\\u202c");
    expect(result.stdout.split("\n").filter((line) => line.startsWith("PASS"))).toEqual([]);
  });
});
