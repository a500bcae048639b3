import * as fs from "fs";
import * as path from "path";
import { clusterChange } from "../lib/app/deploy";
import { EXIT } from "../lib/commands/cli";
import { deployCommand } from "../lib/commands/deploy";
import { scratchDir } from "./app-process";

/**
 * npm run deploy's decisions, against a stand-in `terraform` that logs its arguments and answers with
 * a given state and targeted plan. Real Terraform runs the same paths in
 * __tests__/terraform/lifecycle.test.ts.
 */
const CLUSTER = "azurerm_kubernetes_cluster.Cluster_3DA9CCBA";

type Actions = string[];
const planOf = (changes: Array<[string, Actions, Record<string, unknown>?, Record<string, unknown>?]>) => ({
  resource_changes: changes.map(([address, actions, before, after]) => ({ address, mode: "managed", change: { actions, before, after } })),
});

describe("clusterChange", () => {
  test("a cluster deleted and created again is replaced", () => {
    expect(clusterChange(planOf([[CLUSTER, ["delete", "create"]]]), CLUSTER, [])).toBe("replaced");
    expect(clusterChange(planOf([[CLUSTER, ["create", "delete"]]]), CLUSTER, [])).toBe("replaced");
  });

  test("a cluster updated in place, or the deployer's cluster role created, is changed", () => {
    expect(clusterChange(planOf([[CLUSTER, ["update"], { node_count: 1 }, { node_count: 2 }]]), CLUSTER, [])).toBe("changed");
    const role = "azurerm_role_assignment.DeployerClusterAdmin_1";
    expect(clusterChange(planOf([[CLUSTER, ["no-op"]], [role, ["create"]]]), CLUSTER, [role])).toBe("changed");
  });

  test("nothing planned for the cluster or its sign-in is no change, whatever else the targeted plan holds", () => {
    expect(clusterChange(planOf([[CLUSTER, ["no-op"]], ["azurerm_resource_group.ResourceGroup", ["no-op"]]]), CLUSTER, [])).toBe("none");
    expect(clusterChange(planOf([]), CLUSTER, [])).toBe("none");
  });
});

describe("runDeploy", () => {
  let dir: string;
  let log: string;
  const env = (state: string | undefined, plan: unknown) => ({
    PATH: `${path.join(dir, "bin")}:${path.dirname(process.execPath)}`,
    FAKE_LOG: log,
    ...(state === undefined ? {} : { FAKE_STATE: state }),
    FAKE_PLAN: JSON.stringify(plan),
  });
  // The targeted plan's file is a temporary path: PLAN stands for it.
  const calls = () =>
    fs
      .readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.replace(/(-out=)?\S*\/cluster\.tfplan/g, (_path, out = "") => `${out}PLAN`).replace(/^show -json PLAN$/, "show -json"));
  const io = (envs: Record<string, string>) => {
    const out = { stdout: "", stderr: "" };
    return { out, io: { env: envs, cwd: dir, stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } } };
  };

  beforeEach(() => {
    dir = scratchDir("aks-wi-deploy-");
    log = path.join(dir, "terraform.log");
    fs.mkdirSync(path.join(dir, "bin"));
    // Answers `state list` from FAKE_STATE (absent: no state file yet) and `show -json` with FAKE_PLAN.
    fs.writeFileSync(
      path.join(dir, "bin", "terraform"),
      `#!${process.execPath}
const args = process.argv.slice(2);
require("fs").appendFileSync(process.env.FAKE_LOG, args.filter((a) => a !== "-no-color").join(" ") + "\\n");
if (args[0] === "state") {
  if (process.env.FAKE_STATE === undefined) { process.stderr.write("No state file was found!\\n"); process.exit(1); }
  process.stdout.write(process.env.FAKE_STATE);
} else if (args[0] === "show") process.stdout.write(process.env.FAKE_PLAN);
`,
      { mode: 0o755 },
    );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("--help prints the usage and exit codes, runs nothing, and exits 0", async () => {
    const { io: deployIo, out } = io(env(undefined, planOf([])));
    expect(await deployCommand(["--help"], deployIo)).toBe(EXIT.ok);
    expect(out.stdout).toMatch(/^usage: npm run deploy -- \[--auto-approve\]\n[^]*\nexit codes:\n {2}0 {2}applied\n {2}1 {2}synthesis or a Terraform command failed.*\n {2}2 {2}usage: .*\n$/);
    expect(fs.existsSync(log)).toBe(false); // no terraform command, not even init
  });

  test("without terraform on the PATH: one line saying what to install, exit 1 (it crashed with a stack trace)", async () => {
    const { io: deployIo, out } = io({ ...env(undefined, planOf([])), PATH: path.dirname(process.execPath) });
    expect(await deployCommand(["--auto-approve"], deployIo)).toBe(EXIT.failed);
    expect(out.stdout).toBe("synth: wrote cdktf.out/stacks/aks-workload-identity/cdk.tf.json (14 resources) from the defaults\n");
    expect(out.stderr).toBe("deploy: terraform is not on the PATH: install the Terraform CLI 1.11 or later (help/getting-started.md)\n");
  });

  test("a plan shown as something other than JSON (a wrapper script's output) stops with one line, before destroying anything", async () => {
    const state = `${CLUSTER}\nkubernetes_pod_v1.VerificationPod_1\n`;
    const { io: deployIo, out } = io({ ...env(state, planOf([])), FAKE_PLAN: "[command]terraform show -json\n{}" });
    expect(await deployCommand(["--auto-approve"], deployIo)).toBe(EXIT.failed);
    expect(out.stderr).toMatch(/^deploy: terraform show -json printed something other than JSON: is terraform a wrapper script/);
    expect(calls().some((c) => c.startsWith("destroy") || c.startsWith("apply"))).toBe(false);
  });

  test("a first deploy applies at once", async () => {
    const { io: deployIo } = io(env(undefined, planOf([])));
    expect(await deployCommand(["--auto-approve"], deployIo)).toBe(EXIT.ok);
    expect(calls()).toEqual(["init -input=false", "state list", "apply -auto-approve -input=false"]);
  });

  test("a change that replaces the cluster destroys its Kubernetes objects first, then applies", async () => {
    const state = `${CLUSTER}\nkubernetes_pod_v1.VerificationPod_1\nkubernetes_service_account_v1.ServiceAccounts_x_1\ndata.kubernetes_resources.Webhook\n`;
    const { io: deployIo, out } = io(env(state, planOf([[CLUSTER, ["delete", "create"]]])));
    expect(await deployCommand(["--auto-approve"], deployIo)).toBe(EXIT.ok);
    expect(calls()).toEqual([
      "init -input=false",
      "state list",
      `plan -input=false -out=PLAN -target=${CLUSTER}`,
      "show -json",
      "destroy -auto-approve -input=false -target=kubernetes_pod_v1.VerificationPod_1 -target=kubernetes_service_account_v1.ServiceAccounts_x_1",
      "apply -auto-approve -input=false",
    ]);
    expect(out.stdout).toMatch(/^synth: wrote cdktf\.out\/stacks\/aks-workload-identity\/cdk\.tf\.json \(14 resources\) from the defaults\ndeploy: this change replaces the cluster \(azurerm_kubernetes_cluster\.Cluster_3DA9CCBA\)\. .*\(2\) go with it/);
  });

  test("a change that updates the cluster applies the cluster first, then everything, asking each time unless told not to", async () => {
    const { io: deployIo } = io(env(`${CLUSTER}\nkubernetes_pod_v1.VerificationPod_1\n`, planOf([[CLUSTER, ["update"], { node_count: 1 }, { node_count: 2 }]])));
    expect(await deployCommand([], deployIo)).toBe(EXIT.ok);
    expect(calls().slice(4)).toEqual([`apply -target=${CLUSTER}`, "apply"]);
  });

  test("approved in advance, applies the cluster's targeted plan as it was made, without planning it again", async () => {
    const { io: deployIo } = io(env(`${CLUSTER}\nkubernetes_pod_v1.VerificationPod_1\n`, planOf([[CLUSTER, ["update"], { node_count: 1 }, { node_count: 2 }]])));
    expect(await deployCommand(["--auto-approve"], deployIo)).toBe(EXIT.ok);
    expect(calls().slice(2)).toEqual([`plan -input=false -out=PLAN -target=${CLUSTER}`, "show -json", "apply -input=false PLAN", "apply -auto-approve -input=false"]);
  });

  test("a change that leaves the cluster alone applies once", async () => {
    const { io: deployIo } = io(env(`${CLUSTER}\nkubernetes_pod_v1.VerificationPod_1\n`, planOf([[CLUSTER, ["no-op"]]])));
    expect(await deployCommand(["--auto-approve"], deployIo)).toBe(EXIT.ok);
    expect(calls().slice(4)).toEqual(["apply -auto-approve -input=false"]);
  });

  test("stops at a configuration error before Terraform runs, and at an unknown option", async () => {
    const bad = io({ ...env(undefined, {}), LOCATION: "eastu" });
    expect(await deployCommand([], bad.io)).toBe(EXIT.failed);
    expect(bad.out.stderr).toMatch(/^Invalid configuration \(1 problem\):\n {2}- location \(from environment variable LOCATION\)/);
    expect(fs.existsSync(log)).toBe(false);
    const usage = io(env(undefined, {}));
    expect(await deployCommand(["--yes\u001b[2J"], usage.io)).toBe(EXIT.usage);
    expect(usage.out.stderr).toBe("deploy: unknown option --yes\\u001b[2J; it takes --auto-approve, --help (npm run deploy -- --help)\n");
  });
});
