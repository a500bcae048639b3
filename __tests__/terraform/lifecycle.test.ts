import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { builtCommand, cleanEnv, runApp, scratchDir, STACK_FILE } from "../app-process";
import { Postgres, startPostgres } from "./postgres";
import { OFFLINE, terraform, terraformResult, uiMessages } from "./terraform";

/**
 * Plan, apply, and plan again with real Terraform (offline stand-ins in CI, which simulate the
 * workload identity webhook's changes to the pod): the secret stays out of every artifact, a
 * second plan is empty, and the user's own changes still replace the pod. Then a platform team's
 * changes, each applied and planned again (the hardened profile's second plan among them).
 */
const MARKER = `secret-marker-${process.pid}-5d1f0c`;
const SECRET_ENV = { TF_VAR_keyvault_secret_value: MARKER };

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Synthesizes `config` into a new project directory and applies it through a saved plan, kept as `tfplan`. */
function applied(config: string): { project: string; stack: string } {
  const project = scratchDir("aks-wi-apply-");
  dirs.push(project);
  fs.writeFileSync(path.join(project, "config.yaml"), config);
  const run = runApp(project, { AKS_WI_CONFIG: "config.yaml" });
  if (run.status !== 0) throw new Error(run.stderr);
  const stack = path.dirname(path.join(project, STACK_FILE));
  terraform(stack, ["init", "-input=false"]);
  terraform(stack, ["plan", "-input=false", "-out=tfplan"], SECRET_ENV);
  terraform(stack, ["apply", "-input=false", "tfplan"], SECRET_ENV);
  return { project, stack };
}

/**
 * Synthesizes `config` into an applied project again and plans the difference: the changes as
 * Terraform's streamed plan (`plan -json`) names them, no-ops left out. Its "replace" does not say
 * in which order; that no resource asks for create_before_destroy is a unit test.
 */
function replan(project: string, stack: string, config: string): { address: string; type: string; action: string }[] {
  fs.writeFileSync(path.join(project, "config.yaml"), config);
  const run = runApp(project, { AKS_WI_CONFIG: "config.yaml" });
  if (run.status !== 0) throw new Error(run.stderr);
  return changes(terraform(stack, ["plan", "-json", "-input=false"], SECRET_ENV));
}

describe("the default configuration, applied", () => {
  let project: string;
  let stack: string;
  beforeAll(() => ({ project, stack } = applied("suffix: 5e1f0c\n")));

  test("keeps the secret value out of cdk.tf.json, the saved plan, its JSON and the state", () => {
    const shown = terraform(stack, ["show", "-json", "tfplan"]);
    const artifacts: Record<string, Buffer> = {
      "cdk.tf.json": fs.readFileSync(path.join(stack, "cdk.tf.json")),
      tfplan: fs.readFileSync(path.join(stack, "tfplan")),
      "show -json": Buffer.from(shown),
      state: fs.readFileSync(path.join(project, "terraform.aks-workload-identity.tfstate")),
    };
    // The state is where a `value` would land; make sure this is the state that holds the secret resource.
    expect(artifacts.state.toString()).toContain('"type": "azurerm_key_vault_secret"');
    const found = Object.entries(artifacts).filter(([, bytes]) => bytes.includes(MARKER) || bytes.includes("Hello!"));
    expect(found.map(([name]) => name)).toEqual([]);
  });

  test("plans no changes the second time, though the webhook changed the pod", () => {
    const second = terraformResult(stack, ["plan", "-input=false", "-detailed-exitcode"], SECRET_ENV);
    expect({ status: second.status, stderr: second.stderr }).toEqual({ status: 0, stderr: "" });
  });

  test("replaces the pod when the user changes its image", () => {
    const changes = replan(project, stack, "suffix: 5e1f0c\nverificationPod:\n  image: myregistry.azurecr.io/msal-go:v2\n");
    expect(changes.map((c) => [c.type, c.action])).toEqual([["kubernetes_pod_v1", "replace"]]);
  });

  test("replaces the pod when the user changes the secret it reads, though its environment is ignored", () => {
    const changes = replan(project, stack, "suffix: 5e1f0c\nkeyVault:\n  secretName: rotated-secret\n");
    expect(changes.find((c) => c.type === "kubernetes_pod_v1")?.action).toBe("replace");
    expect(changes.find((c) => c.type === "azurerm_key_vault_secret")?.action).toBe("replace");
  });

  describe("then changed as a platform team changes it", () => describeChanges(() => project, () => stack));
});

/** Changes as Terraform's streamed plan or apply names them, no-ops left out. */
function changes(stdout: string): { address: string; type: string; action: string }[] {
  return uiMessages(stdout)
    .filter((m) => m.type === "planned_change")
    .map(({ change }) => ({ address: change.resource.addr, type: change.resource.resource_type, action: change.action }));
}

/** `npm run deploy -- --auto-approve` in `project`, with `env` besides the test's own (providers, CLI configuration). */
function deploy(project: string, env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [builtCommand("deploy"), "--auto-approve"], { cwd: project, encoding: "utf8", env: { ...cleanEnv(), ...env } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * A platform team's changes to the applied default deployment above, one after another, each applied
 * and then planned again, which must find nothing to do. Changes that replace the cluster, or change
 * how Terraform signs in to it, go through `npm run deploy` (lib/app/deploy.ts says why).
 */
function describeChanges(project: () => string, stack: () => string): void {
  let postgres: Postgres | undefined;
  let backendEnv: Record<string, string> = {};
  afterAll(() => postgres?.stop());

  function synth(config: string): void {
    fs.writeFileSync(path.join(project(), "config.yaml"), config);
    const run = runApp(project(), { AKS_WI_CONFIG: "config.yaml" });
    if (run.status !== 0) throw new Error(run.stderr);
  }
  /** Applies `config` and returns what the apply changed. */
  function apply(config: string) {
    synth(config);
    return changes(terraform(stack(), ["apply", "-json", "-input=false", "-auto-approve"], { ...SECRET_ENV, ...backendEnv }));
  }
  const actions = (applied: ReturnType<typeof changes>, type: string) => applied.filter((c) => c.type === type).map((c) => c.action).sort();
  /** Plans again without the secret (a reviewer's plan), expecting no changes at all. */
  function expectNothingToPlan(): void {
    const again = terraformResult(stack(), ["plan", "-input=false", "-detailed-exitcode"], backendEnv);
    expect({ status: again.status, stderr: again.stderr, changes: again.stdout.match(/^\s*# .*$/gm) }).toEqual({ status: 0, stderr: "", changes: null });
  }
  const deployHere = () => deploy(project(), { AKS_WI_CONFIG: "config.yaml", ...SECRET_ENV, ...backendEnv });

  const article = "  - namespace: default\n    serviceAccount: workload-identity-sa{suffix}\n    identity: id-renamed-{suffix}\n    federatedCredential: myFedIdentity{suffix}\n";
  const renamed = "  - namespace: default\n    serviceAccount: sa-renamed{suffix}\n    identity: id-renamed-{suffix}\n    federatedCredential: myFedIdentity{suffix}\n";
  const api = (namespace: string) => `  - namespace: ${namespace}\n    serviceAccount: api\n    identity: id-renamed-{suffix}\n`;
  const worker = "  - namespace: team-b\n    serviceAccount: worker\n    identity: id-worker-{suffix}\n";
  const scaled = "suffix: 5e1f0c\nkeyVault:\n  name: kv-renamed{suffix}\n";

  test("renaming the identity replaces the pod, which holds the old client id, and updates the service account in place", () => {
    const planned = replan(project(), stack(), `suffix: 5e1f0c\nworkloads:\n${article}`);
    expect(actions(planned, "kubernetes_pod_v1")).toEqual(["replace"]);
    expect(actions(planned, "kubernetes_service_account_v1")).toEqual(["update"]);
    expect(actions(planned, "azurerm_user_assigned_identity")).toEqual(["create", "delete"]);
  });

  (OFFLINE ? test : test.skip)("renaming the identity, the service account and the vault, scaling the nodes and adding workloads: deploy applies the cluster first, then plans nothing", () => {
    // Scaling updates the cluster while the renamed identity's credential and the pod go: a plain
    // apply finds no order (the pod's destroy needs the provider, which waits for the cluster).
    synth(`${scaled}cluster:\n  nodeCount: 2\nworkloads:\n${renamed}${api("team-a")}${worker}`);
    const run = deployHere();
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.stdout).toMatch(/^deploy: this change updates the cluster \(azurerm_kubernetes_cluster\./m);
    expect(run.stdout.match(/^Apply complete! Resources: .*$/gm)).toEqual([
      "Apply complete! Resources: 0 added, 1 changed, 0 destroyed.",
      expect.stringMatching(/^Apply complete! Resources: [1-9]\d* added, \d+ changed, [1-9]\d* destroyed\.$/),
    ]);
    expectNothingToPlan();
  });

  test("moving a workload to another namespace and removing another applies, then plans nothing", () => {
    const applied = apply(`${scaled}cluster:\n  nodeCount: 2\nworkloads:\n${renamed}${api("team-c")}`);
    expect(actions(applied, "kubernetes_namespace_v1")).toEqual(["create", "delete", "delete"]);
    expect(actions(applied, "azurerm_user_assigned_identity")).toEqual(["delete"]);
    expectNothingToPlan();
  });

  const workloads = `workloads:\n${renamed}${api("team-c")}`;
  const moved = "suffix: 5e1f0c\nlocation: westeurope\nresourceGroup:\n  name: rg-moved-{suffix}\nkeyVault:\n  name: kv-renamed{suffix}\n";

  (OFFLINE ? test : test.skip)("changing the location, the resource group and the cluster's name replaces the cluster: a plain plan cannot be trusted, deploy can", () => {
    synth(`${moved}cluster:\n  name: aks-moved-{suffix}\n  nodeCount: 2\n${workloads}`);
    // The kubernetes provider is configured from the cluster being replaced, and the pod must go first.
    // Terraform 1.11 finds that cycle in most plans of this change, not all (3 of 10 full-suite runs here
    // planned it, same configuration and state): a provider configured from a managed resource is
    // outside what its cycle check guarantees. Either way the plan replaces the cluster under the
    // Kubernetes objects, which is what deploy exists for.
    const plain = terraformResult(stack(), ["plan", "-input=false"], SECRET_ENV);
    if (plain.status === 1) {
      expect(plain.stderr.replace(/\s+/g, " ")).toMatch(/Error: Cycle: .*provider\["registry\.terraform\.io\/hashicorp\/kubernetes"\]/);
    } else {
      expect({ status: plain.status, stderr: plain.stderr }).toEqual({ status: 0, stderr: "" });
      expect(plain.stdout).toMatch(/# azurerm_kubernetes_cluster\.\S+ must be replaced/);
      expect(plain.stdout).toMatch(/# kubernetes_pod_v1\.\S+ (must|will) be replaced/);
    }

    const run = deployHere();
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.stdout).toMatch(/^deploy: this change replaces the cluster/m);
    expect(run.stdout).toMatch(/Destroy complete! Resources: \d+ destroyed\./);
    expectNothingToPlan();
  });

  (OFFLINE ? test : test.skip)(
    "moving the state to PostgreSQL, switching to the hardened profile and disabling workload identity: deploy names the migration, then applies the cluster first",
    async () => {
      postgres = await startPostgres();
      backendEnv = { PG_CONN_STR: postgres.connectionString };
      const hardened = "cluster:\n  name: aks-moved-{suffix}\n  nodeCount: 2\n  localAccountsDisabled: true\n  workloadIdentityEnabled: false\n";
      synth(`${moved}${hardened}verificationPod:\n  enabled: false\nbackend:\n  type: pg\n${workloads}`);
      const refused = deployHere();
      expect(refused.status).toBe(1);
      expect(refused.stderr.replace(/\s+/g, " ")).toContain("terraform init -migrate-state");
      terraform(stack(), ["init", "-input=false", "-migrate-state", "-force-copy"], backendEnv);
      expect(postgres.query("select count(*) from terraform_remote_state.states")).toBe("1");

      const run = deployHere();
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
      expect(run.stdout).toMatch(/^deploy: this change updates the cluster \(azurerm_kubernetes_cluster\.\w+\), or how Terraform signs in to it/m);
      expectNothingToPlan();
    },
    120000,
  );
}
