import * as fs from "fs";
import * as path from "path";
import { runApp, scratchDir, STACK_FILE } from "../app-process";
import { terraform, terraformResult, uiMessages } from "./terraform";

/**
 * Plan, apply, and plan again with real Terraform (offline stand-ins in CI, which simulate the
 * workload identity webhook's changes to the pod): the secret stays out of every artifact, a
 * second plan is empty, and the user's own changes still replace the pod.
 */
const ROOT = path.join(__dirname, "..", "..");
const MARKER = `secret-marker-${process.pid}-5d1f0c`;
const SECRET_ENV = { TF_VAR_keyvault_secret_value: MARKER };

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/**
 * Synthesizes `config` (a file's content, or none) into a new project directory and applies it:
 * through a saved plan (kept as `tfplan`), or with `apply -auto-approve`, one Terraform run fewer.
 */
function applied(config: string | undefined, { savePlan }: { savePlan: boolean }): { project: string; stack: string } {
  const project = scratchDir("aks-wi-apply-");
  dirs.push(project);
  const env: Record<string, string> = {};
  if (config !== undefined) {
    fs.writeFileSync(path.join(project, "config.yaml"), config);
    env.AKS_WI_CONFIG = "config.yaml";
  }
  const run = runApp(project, env);
  if (run.status !== 0) throw new Error(run.stderr);
  const stack = path.dirname(path.join(project, STACK_FILE));
  terraform(stack, ["init", "-input=false"]);
  if (savePlan) {
    terraform(stack, ["plan", "-input=false", "-out=tfplan"], SECRET_ENV);
    terraform(stack, ["apply", "-input=false", "tfplan"], SECRET_ENV);
  } else {
    terraform(stack, ["apply", "-input=false", "-auto-approve"], SECRET_ENV);
  }
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
  return uiMessages(terraform(stack, ["plan", "-json", "-input=false"], SECRET_ENV))
    .filter((m) => m.type === "planned_change")
    .map(({ change }) => ({ address: change.resource.addr, type: change.resource.resource_type, action: change.action }));
}

describe("the default configuration, applied", () => {
  let project: string;
  let stack: string;
  beforeAll(() => ({ project, stack } = applied("suffix: 5e1f0c\n", { savePlan: true })));

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
});

describe("the hardened profile, applied", () => {
  test("plans no changes the second time", () => {
    const { stack } = applied(fs.readFileSync(path.join(ROOT, "examples", "hardened.yaml"), "utf8"), { savePlan: false });
    const second = terraformResult(stack, ["plan", "-input=false", "-detailed-exitcode"], SECRET_ENV);
    expect({ status: second.status, stderr: second.stderr }).toEqual({ status: 0, stderr: "" });
  });
});
