import * as fs from "fs";
import * as path from "path";
import { runApp, scratchDir, STACK_FILE } from "../app-process";
import { terraform, terraformResult } from "./terraform";

/**
 * A pull request's plan runs without the secret's value (the plan-only identity never receives it):
 * plan, diff and destroy work without it, and an apply without it stops before anything is written,
 * however often it is tried, and names the variable to set.
 */
const MARKER = `absent-marker-${process.pid}-8c2e`;
const WITH_SECRETS = {
  TF_VAR_keyvault_secret_value: MARKER,
  TF_VAR_keyvault_additional_secret_values: `{"db-password"="${MARKER}-db"}`,
};
const CONFIG = "suffix: 8c2e11\nkeyVault:\n  additionalSecrets: [db-password]\n";

let project: string;
let stack: string;
const state = () => JSON.parse(fs.readFileSync(path.join(project, "terraform.aks-workload-identity.tfstate"), "utf8")) as {
  resources: { type: string; name: string; instances: { attributes: Record<string, unknown> }[] }[];
};
/** Terraform wraps error text at 78 columns. */
const unwrapped = (text: string) => text.replace(/\s+/g, " ");
const secrets = () => state().resources.filter((r) => r.type === "azurerm_key_vault_secret" && r.instances.length > 0);

function synth(config: string): void {
  fs.writeFileSync(path.join(project, "config.yaml"), config);
  const run = runApp(project, { AKS_WI_CONFIG: "config.yaml" });
  if (run.status !== 0) throw new Error(run.stderr);
}

beforeAll(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith("TF_VAR_")) delete process.env[name];
  project = scratchDir("aks-wi-absent-");
  synth(CONFIG);
  stack = path.dirname(path.join(project, STACK_FILE));
  terraform(stack, ["init", "-input=false"]);
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

test("the first plan works without the values, and never asks for them", () => {
  // No -input=false: a required variable would make Terraform prompt (here: fail on the closed input).
  const plan = terraformResult(stack, ["plan"]);
  expect({ status: plan.status, stderr: plan.stderr }).toEqual({ status: 0, stderr: "" });
  expect(plan.stdout).not.toMatch(/Enter a value/);
  expect(plan.stdout).toMatch(/azurerm_key_vault_secret\.KeyVault_Secret_\w+ will be created/);
});

test("an apply without the values stops before writing a secret, every time, and says what to set", () => {
  for (let attempt = 0; attempt < 2; attempt++) {
    const apply = terraformResult(stack, ["apply", "-input=false", "-auto-approve"]);
    expect(apply.status).toBe(1);
    expect(unwrapped(apply.stderr)).toContain("No value for Key Vault secret my-secret8c2e11: set TF_VAR_keyvault_secret_value (not empty).");
    expect(unwrapped(apply.stderr)).toContain('set TF_VAR_keyvault_additional_secret_values, a map with the key "db-password"');
    expect(secrets()).toEqual([]);
  }
});

test("a further secret mapped to null is refused while planning, without its value", () => {
  const plan = terraformResult(stack, ["plan", "-input=false"], { ...WITH_SECRETS, TF_VAR_keyvault_additional_secret_values: '{"db-password"=null}' });
  expect(plan.status).toBe(1);
  expect(unwrapped(plan.stderr)).toContain("TF_VAR_keyvault_additional_secret_values gives a secret the value null");
  const missingKey = terraformResult(stack, ["apply", "-input=false", "-auto-approve"], { ...WITH_SECRETS, TF_VAR_keyvault_additional_secret_values: '{"other"="x"}' });
  expect(missingKey.status).toBe(1);
  expect(unwrapped(missingKey.stderr)).toContain('a map with the key "db-password"');
  // The primary secret had its value and was written; the one without stopped.
  expect(secrets().map((s) => s.instances[0].attributes.name)).toEqual(["my-secret8c2e11"]);
});

test("with the values the apply writes both secrets; a plan without them is then empty", () => {
  terraform(stack, ["apply", "-input=false", "-auto-approve"], WITH_SECRETS);
  expect(secrets()).toHaveLength(2);
  const replan = terraformResult(stack, ["plan", "-input=false", "-detailed-exitcode"]);
  expect({ status: replan.status, stderr: replan.stderr, changes: replan.stdout.match(/^\s*# .*$/gm) }).toEqual({ status: 0, stderr: "", changes: null });
  expect(fs.readFileSync(path.join(project, "terraform.aks-workload-identity.tfstate"), "utf8")).not.toContain(MARKER);
});

test("a rotation plans without the values, and its apply without them fails each time, writing nothing", () => {
  synth(`${CONFIG}  secretVersion: 2\n`);
  const plan = terraformResult(stack, ["plan", "-input=false", "-detailed-exitcode"]);
  expect(plan.status).toBe(2);
  expect(plan.stdout).toMatch(/value_wo_version\s+= 1 -> 2/);
  for (let attempt = 0; attempt < 2; attempt++) {
    const apply = terraformResult(stack, ["apply", "-input=false", "-auto-approve"]);
    expect(apply.status).toBe(1);
    expect(unwrapped(apply.stderr)).toContain("No value for Key Vault secret my-secret8c2e11");
    expect(secrets().map((s) => s.instances[0].attributes.value_wo_version)).toEqual([1, 1]);
  }
  terraform(stack, ["apply", "-input=false", "-auto-approve"], WITH_SECRETS);
  expect(secrets().map((s) => s.instances[0].attributes.value_wo_version)).toEqual([2, 2]);
});

test("destroy works without the values", () => {
  const destroy = terraformResult(stack, ["destroy", "-input=false", "-auto-approve"]);
  expect({ status: destroy.status, stderr: destroy.stderr }).toEqual({ status: 0, stderr: "" });
  expect(state().resources).toEqual([]);
});
