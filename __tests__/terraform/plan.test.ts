import * as fs from "fs";
import * as path from "path";
import { runApp, scratchDir, STACK_FILE } from "../app-process";
import { findDeprecated } from "./deprecations";
import { terraform } from "./terraform";

/**
 * Real Terraform on every configuration we ship. In CI, TF_CLI_CONFIG_FILE points Terraform at
 * the offline stand-in providers (../shared/offline-terraform); elsewhere it downloads the real ones.
 */
const ROOT = path.join(__dirname, "..", "..");
const EXAMPLES = fs
  .readdirSync(path.join(ROOT, "examples"))
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .sort();
const CONFIGS: Array<[string, string | undefined]> = [["the default configuration", undefined], ...EXAMPLES.map((f): [string, string] => [`examples/${f}`, f])];

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

interface ResourceChange {
  readonly type: string;
  readonly name: string;
  readonly change: { readonly actions: readonly string[] };
}

describe.each(CONFIGS)("%s under real Terraform", (_label, example) => {
  let stackDir: string;
  let tf: { resource: Record<string, Record<string, unknown>> } & Record<string, unknown>;

  beforeAll(() => {
    const cwd = scratchDir("aks-wi-tf-");
    dirs.push(cwd);
    const run = runApp(cwd, example ? { AKS_WI_CONFIG: path.join(ROOT, "examples", example) } : {});
    if (run.status !== 0) throw new Error(`synth failed: ${run.stderr}`);
    stackDir = path.dirname(path.join(cwd, STACK_FILE));
    // A lock file would pin provider checksums; the scratch copy never has one.
    expect(fs.existsSync(path.join(stackDir, ".terraform.lock.hcl"))).toBe(false);
    tf = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
    terraform(stackDir, ["init", "-input=false"]);
  });

  test("validates without errors or warnings (deprecations included)", () => {
    const result = JSON.parse(terraform(stackDir, ["validate", "-json"]));
    expect(result.diagnostics).toEqual([]);
    expect(result).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
  });

  test("uses no argument or block the providers' schemas mark deprecated", () => {
    const schemas = JSON.parse(terraform(stackDir, ["providers", "schema", "-json"]));
    expect(Object.keys(schemas.provider_schemas).length).toBeGreaterThanOrEqual(3);
    expect(findDeprecated(tf, schemas)).toEqual([]);
  });

  test("plans to create every synthesized resource and nothing else", () => {
    terraform(stackDir, ["plan", "-input=false", "-lock=false", "-out=tfplan"]);
    const plan = JSON.parse(terraform(stackDir, ["show", "-json", "tfplan"]));
    const changes: ResourceChange[] = plan.resource_changes.filter((c: ResourceChange & { mode: string }) => c.mode === "managed");
    const planned = changes.map((c) => `${c.type}.${c.name}`).sort();
    const synthesized = Object.entries(tf.resource)
      .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
      .sort();
    expect(planned).toEqual(synthesized);
    expect(changes.filter((c) => c.change.actions.join() !== "create")).toEqual([]);
    for (const type of ["azurerm_resource_group", "azurerm_kubernetes_cluster", "azurerm_user_assigned_identity", "kubernetes_service_account_v1", "azurerm_federated_identity_credential", "azurerm_key_vault", "azurerm_role_assignment", "azurerm_key_vault_secret"]) {
      expect(planned.some((p) => p.startsWith(`${type}.`))).toBe(true);
    }
  });
});
