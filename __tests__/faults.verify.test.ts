import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import { maskSecretText, redactUrls } from "../lib/verify/redact";
import { runVerify } from "../lib/commands/verify";
import { ApiPod, outputValues } from "../lib/verify/run";
import { builtCommand, scratchDir } from "./app-process";
import { NAMESPACE, OUTPUTS, POD, realPod, SECRET } from "./verify-cluster";

/**
 * `npm run verify` against servers and files that do not play along: an API server that accepts
 * and never answers, one that sends an endless log, kubeconfigs that are missing, empty or carry
 * credentials in the server's URL, outputs files of every shape. Each ends within its time, in
 * lines that hold no secret and no credential.
 */

jest.setTimeout(30000);

const dir = scratchDir("aks-wi-faults-verify-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let files = 0;
function file(content: string | object, name = `file-${files++}.json`): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return p;
}

/** The stack's outputs with the names `az aks get-credentials` needs. */
const DEPLOYED = { ...OUTPUTS, resource_group_name: { value: "myResourceGroupabc123" }, cluster_name: { value: "myAKSClusterabc123" } };
const GET_CREDENTIALS = "az aks get-credentials --resource-group myResourceGroupabc123 --name myAKSClusterabc123";

function kubeconfig(server: string): string {
  return file(
    `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: ${server}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\n`,
    `kubeconfig-${files++}`,
  );
}

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** From its first line (once the client is loaded, when --timeout starts) to its exit. */
  readonly ms: number;
}

/** The real command, killed if it outlives `limitMs` (a failure of the test, not a hang). */
function verifyCli(args: string[], env: Record<string, string | undefined>, limitMs = 20000): Promise<CliRun> {
  let started = Date.now();
  const child = spawn(process.execPath, [builtCommand("verify"), ...args], { env: { PATH: process.env.PATH, HOME: dir, ...env } as NodeJS.ProcessEnv });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => {
    if (stdout === "") started = Date.now();
    stdout += c;
  });
  child.stderr.on("data", (c) => (stderr += c));
  const timer = setTimeout(() => child.kill("SIGKILL"), limitMs);
  return new Promise((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    }),
  );
}

async function listen(server: http.Server | net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as net.AddressInfo).port;
}

describe("a hung or flooding API server", () => {
  test.concurrent("one that accepts and never answers: --timeout 3 ends in about 3 s, exit 4, naming the server", async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket)); // reads the request, says nothing
    const port = await listen(server);
    const run = await verifyCli(["--outputs", file(DEPLOYED), "--timeout", "3", "--interval", "0.2"], { KUBECONFIG: kubeconfig(`http://127.0.0.1:${port}`) });
    sockets.forEach((s) => s.destroy());
    server.close();
    expect(run.code).toBe(4);
    // 3 s, then at most 1 s for the request under way, and a busy machine's slack.
    expect(run.ms).toBeLessThan(6000);
    expect(run.stdout.trim().split("\n").pop()).toMatch(new RegExp(`^TIMEOUT after 3s: the Kubernetes API server http://127\\.0\\.0\\.1:${port} did not answer \\(no answer within \\d s\\)\\. .*: ${GET_CREDENTIALS}$`));
  });

  test.concurrent("a log of hundreds of megabytes is asked for by its tail and read no further than 1 MiB", async () => {
    const logQueries: string[] = [];
    let logBytesSent = 0;
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? "", "http://x");
      if (url.pathname.endsWith(`/pods/${POD}/log`)) {
        logQueries.push(url.search);
        res.writeHead(200, { "content-type": "text/plain" });
        // Ignores tailLines and limitBytes: 300 MB, written as fast as the reader takes it.
        const line = `${'"successfully got secret" secret="Hello!" '.padEnd(1023, ".")}\n`;
        const write = () => {
          while (logBytesSent < 300 * 1024 * 1024) {
            logBytesSent += line.length;
            if (!res.write(line)) return void res.once("drain", write);
          }
          res.end();
        };
        res.on("close", () => res.removeAllListeners("drain"));
        write();
      } else if (url.pathname.endsWith(`/pods/${POD}`)) {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(realPod({ running: true })));
      } else res.writeHead(404).end();
    });
    const port = await listen(server);
    const run = await verifyCli(["--outputs", file(DEPLOYED), "--timeout", "5", "--interval", "0.1"], { KUBECONFIG: kubeconfig(`http://127.0.0.1:${port}`), TF_VAR_keyvault_secret_value: "Hello!" });
    server.close();
    expect(run.code).toBe(0);
    expect(logQueries[0]).toMatch(/[?&]tailLines=500(&|$)/);
    expect(logQueries[0]).toMatch(/[?&]limitBytes=262144(&|$)/);
    expect(logBytesSent).toBeLessThan(32 * 1024 * 1024);
    expect(run.stdout).not.toContain("Hello!");
  });
});

describe("kubeconfigs", () => {
  test.concurrent("credentials in the server's URL never reach the terminal", async () => {
    const closed = net.createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const run = await verifyCli(["--outputs", file(DEPLOYED), "--timeout", "5"], { KUBECONFIG: kubeconfig(`http://admin:hunter2@127.0.0.1:${port}/?token=abc123secret`) });
    expect(run.code).toBe(3);
    expect(run.stderr).not.toMatch(/hunter2|abc123secret/);
    expect(run.stderr).toBe(
      `verify: cannot reach the Kubernetes API server http://****@127.0.0.1:${port}/?token=**** (ECONNREFUSED); check that it is reachable and that your kubeconfig is for this cluster: ${GET_CREDENTIALS}\n`,
    );
  });

  test.concurrent.each([
    ["KUBECONFIG names a missing file", () => ({ KUBECONFIG: path.join(dir, "nope") }), `verify: KUBECONFIG names ${path.join(dir, "nope")}, which does not exist; write it with: ${GET_CREDENTIALS}\n`],
    ["no KUBECONFIG and no ~/.kube/config", () => ({ HOME: fs.mkdtempSync(path.join(dir, "home-")) }), new RegExp(`^verify: no kubeconfig: KUBECONFIG is not set and .*/\\.kube/config does not exist; write it with: ${GET_CREDENTIALS}\\n$`)],
    ["an empty kubeconfig", () => ({ KUBECONFIG: file("", "empty-kubeconfig") }), `verify: the kubeconfig ${path.join(dir, "empty-kubeconfig")} is empty; write it with: ${GET_CREDENTIALS}\n`],
    ["a kubeconfig with no current cluster", () => ({ KUBECONFIG: file("apiVersion: v1\nkind: Config\nclusters: []\n", "no-cluster-kubeconfig") }), new RegExp(`^verify: the kubeconfig \\(KUBECONFIG=.*\\) names no current cluster; write it with: ${GET_CREDENTIALS}\\n$`)],
  ])("%s: exit 3 and the command that writes one, with the stack's real names", async (_, env, expected) => {
    const run = await verifyCli(["--outputs", file(DEPLOYED), "--timeout", "5"], env());
    expect(run.code).toBe(3);
    if (typeof expected === "string") expect(run.stderr).toBe(expected);
    else expect(run.stderr).toMatch(expected);
  });
});

describe("the stack's outputs", () => {
  test("reads terraform output -json and cdktf's --outputs-file alike", () => {
    const terraform = { secret_name: { value: "s", type: "string", sensitive: false }, service_account_namespace: { value: "ns", type: "string", sensitive: false } };
    const cdktf = { "aks-workload-identity": { secret_name: "s", service_account_namespace: "ns", workloads: [] } };
    expect(outputValues(terraform)).toEqual({ secret_name: "s", service_account_namespace: "ns" });
    expect(outputValues(cdktf)).toEqual(cdktf["aks-workload-identity"]);
    expect(outputValues({ "other-name": cdktf["aks-workload-identity"] })).toEqual(cdktf["aks-workload-identity"]);
    expect(outputValues({})).toEqual({});
    expect(outputValues([])).toBeUndefined();
    expect(outputValues({ a: 1 })).toBeUndefined();
  });

  const setup = async (args: string[]) => {
    let stderr = "";
    const code = await runVerify(args, { env: {}, cwd: dir, stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) }, connect: async () => ({}) as never });
    return { code, stderr };
  };

  test.each([
    ["an outputs file of cdktf deploy passes setup", () => file({ "aks-workload-identity": { service_account_namespace: "x" } }), /no output secret_name .*deploy first/],
    ["{} says to deploy", () => file({}), /^verify: the stack has no output service_account_namespace \(read from .*\); deploy first \(npx cdktf deploy\)\n$/],
    ["a list is neither format", () => file([1]), /^verify: .* is neither the JSON of terraform output -json nor the outputs file of npx cdktf deploy --outputs-file\n$/],
    ["text is not JSON", () => file("Error: no state"), /^verify: .* is not JSON \(/],
    ["a FIFO is not read", () => {
      const fifo = path.join(dir, `fifo-${files++}`);
      execFileSync("mkfifo", [fifo]);
      return fifo;
    }, /^verify: --outputs names .*, which is not a regular file\n$/],
  ])("%s", async (_, outputs, expected) => {
    const result = await setup(["--outputs", outputs(), "--timeout", "1"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(expected);
  });

  test.concurrent("without terraform on PATH, says how to give the outputs instead", async () => {
    const stack = fs.mkdtempSync(path.join(dir, "stack-"));
    const run = await verifyCli(["--stack", stack, "--timeout", "5"], { PATH: path.join(dir, "no-bin") });
    expect(run.code).toBe(3);
    expect(run.stderr).toBe("verify: terraform is not on PATH; give --outputs FILE (terraform output -json > FILE, or npx cdktf deploy --outputs-file FILE)\n");
  });
});

describe("the time it takes (found by a review of the change)", () => {
  async function inProcess(args: string[], log: () => Promise<string>): Promise<{ code: number; out: string; ms: number }> {
    let out = "";
    const started = Date.now();
    const code = await runVerify(["--outputs", file(DEPLOYED), ...args], {
      env: {},
      cwd: dir,
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (out += t) },
      connect: async () => ({
        readNamespacedPod: async () => JSON.parse(JSON.stringify(realPod({ running: true }))) as ApiPod,
        readNamespacedPodLog: log,
      }),
    });
    return { code, out, ms: Date.now() - started };
  }

  test.concurrent("a server that answers for the pod but never for its log is reported as not answering, not as a log with no result yet", async () => {
    const run = await inProcess(["--timeout", "1", "--interval", "0.05"], () => new Promise<string>(() => {}));
    expect(run.code).toBe(4);
    expect(run.out.trim().split("\n").pop()).toMatch(/^TIMEOUT after 1s: .* did not answer /);
    expect(run.ms).toBeLessThan(4000);
  });

  test.concurrent("--timeout holds when --interval is longer", async () => {
    const run = await inProcess(["--timeout", "1", "--interval", "20"], async () => "");
    expect(run.code).toBe(4);
    expect(run.ms).toBeLessThan(4000);
  });
});

describe("the secret, known or not", () => {
  /** Runs verify in process on a log, the pod passing, and returns what it printed. */
  async function printed(log: string, env: Record<string, string> = {}): Promise<string> {
    let out = "";
    await runVerify(["--outputs", file(DEPLOYED), "--interval", "0.05", "--timeout", "1"], {
      env,
      cwd: dir,
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (out += t) },
      connect: async () => ({
        readNamespacedPod: async ({ name, namespace }) => {
          if (name !== POD || namespace !== NAMESPACE) throw Object.assign(new Error("not found"), { code: 404 });
          return JSON.parse(JSON.stringify(realPod({ running: true }))) as ApiPod;
        },
        readNamespacedPodLog: async () => log,
      }),
    });
    return out;
  }

  test.each([
    ['secret = "TopSecret1"', 'successfully got secret secret = "TopSecret1"'],
    ['{"secret":"TopSecret2"}', '{"msg":"successfully got secret","secret":"TopSecret2"}'],
    ["secret: TopSecret3", "successfully got secret secret: TopSecret3"],
    ["password=TopSecret4", "successfully got secret password=TopSecret4 for " + SECRET],
  ])("unset, %s in the log is masked", async (_, line) => {
    const out = await printed(`${line}\n`);
    expect(out).toContain("PASS");
    expect(out).not.toMatch(/TopSecret\d/);
    expect(out).toContain("****");
  });

  test("known, it is masked as it is, escaped, percent-encoded and base64-encoded", async () => {
    const value = 'p@ss "w/rd"?';
    const forms = [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), Buffer.from(value).toString("base64"), Buffer.from(value).toString("base64url")];
    const out = await printed(`"successfully got secret" raw=${forms.join(" ")}\n`, { TF_VAR_keyvault_secret_value: value });
    expect(out).toContain("PASS");
    for (const form of forms) expect(out).not.toContain(form);
  });

  test("masking leaves names and paths alone", () => {
    expect(maskSecretText('SECRET_NAME is "my-secret" and AZURE_FEDERATED_TOKEN_FILE=/var/run/token, "failed to get secret" err="403"')).toBe(
      'SECRET_NAME is "my-secret" and AZURE_FEDERATED_TOKEN_FILE=/var/run/token, "failed to get secret" err="403"',
    );
  });

  test("URLs lose their user information and query values, nothing else", () => {
    expect(redactUrls("GET https://u:p@h.example:6443/api/v1?token=t&watch=1 and https://kv.vault.azure.net/secrets/x")).toBe(
      "GET https://****@h.example:6443/api/v1?token=****&watch=**** and https://kv.vault.azure.net/secrets/x",
    );
  });
});

describe("--help", () => {
  test.concurrent("prints the options and every exit code, and exits 0", async () => {
    const run = await verifyCli(["--help"], {});
    expect(run.code).toBe(0);
    for (const code of ["0  the pod read the secret", "1  it cannot", "2  usage: ", "3  verify could not start", "4  it did not within --timeout"]) expect(run.stdout).toContain(code);
  });

  test.concurrent("an unknown option is a usage error, exit 2, one line", async () => {
    const run = await verifyCli(["--bogus"], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("verify: unknown option --bogus; it takes --timeout, --interval, --outputs, --stack, --pod, --help (npm run verify -- --help)\n");
  });
});
