import * as fs from "fs";
import * as path from "path";
import { runApp, scratchDir, STACK_FILE } from "../app-process";
import { OFFLINE, terraform } from "./terraform";

/**
 * Adopting a cluster: the stand-ins cannot import (plans.ts asserts that Terraform gets as far as
 * asking them to), so this starts from the state an import leaves: the cluster as Azure describes it,
 * OIDC issuer and workload identity off. The stack's plan must then update it in place, turning both
 * on, and replace nothing. Offline only: against real providers it would read a real resource group.
 */
const ROOT = path.join(__dirname, "..", "..");
const SECRET_ENV = { TF_VAR_keyvault_secret_value: "adopt-test-value", TF_VAR_keyvault_additional_secret_values: "{}" };

let project: string;
afterAll(() => project && fs.rmSync(project, { recursive: true, force: true }));

(OFFLINE ? test : test.skip)("an adopted cluster is updated in place to turn on the OIDC issuer and workload identity", () => {
  project = scratchDir("aks-wi-adopt-");
  const run = runApp(project, { AKS_WI_CONFIG: path.join(ROOT, "examples", "adopt-cluster.yaml") });
  if (run.status !== 0) throw new Error(run.stderr);
  const stack = path.dirname(path.join(project, STACK_FILE));
  const tf = JSON.parse(fs.readFileSync(path.join(stack, "cdk.tf.json"), "utf8"));
  const [[logicalId, cluster]] = Object.entries(tf.resource.azurerm_kubernetes_cluster as Record<string, Record<string, unknown>>);
  expect(tf.import).toEqual([{ id: expect.stringMatching(/\/managedClusters\/aks-legacy$/), to: `azurerm_kubernetes_cluster.${logicalId}` }]);

  // The cluster as `terraform import` records it. Its location is the resource group's, which the
  // stand-in's data source leaves null, as it leaves every value it would read from Azure.
  const attributes = {
    id: tf.import[0].id,
    name: cluster.name,
    location: null,
    resource_group_name: "rg-legacy",
    dns_prefix: cluster.dns_prefix,
    default_node_pool: [cluster.default_node_pool],
    identity: [cluster.identity],
    oidc_issuer_enabled: false,
    workload_identity_enabled: false,
  };
  const state = {
    version: 4,
    terraform_version: "1.11.0",
    serial: 1,
    lineage: "a0b0c0d0-0000-4000-8000-00000000ad0b",
    outputs: {},
    resources: [
      {
        mode: "managed",
        type: "azurerm_kubernetes_cluster",
        name: logicalId,
        provider: 'provider["registry.terraform.io/hashicorp/azurerm"]',
        instances: [{ schema_version: 2, attributes }],
      },
    ],
  };
  // Where the stack's local backend keeps state: beside cdktf.json.
  expect(tf.terraform.backend.local.path).toBe("../../../terraform.aks-workload-identity.tfstate");
  fs.writeFileSync(path.join(project, "terraform.aks-workload-identity.tfstate"), JSON.stringify(state));

  terraform(stack, ["init", "-input=false"]);
  terraform(stack, ["plan", "-input=false", "-lock=false", "-out=tfplan"], SECRET_ENV);
  const plan = JSON.parse(terraform(stack, ["show", "-json", "tfplan"]));
  const changes: Array<{ address: string; mode: string; change: { actions: string[]; before: Record<string, unknown>; after: Record<string, unknown> } }> =
    plan.resource_changes.filter((c: { mode: string }) => c.mode === "managed");

  const adopted = changes.find((c) => c.address === `azurerm_kubernetes_cluster.${logicalId}`);
  expect(adopted?.change.actions).toEqual(["update"]);
  const flags = (values: Record<string, unknown> | undefined) => ({ oidc: values?.oidc_issuer_enabled, workloadIdentity: values?.workload_identity_enabled });
  expect(flags(adopted?.change.before)).toEqual({ oidc: false, workloadIdentity: false });
  expect(flags(adopted?.change.after)).toEqual({ oidc: true, workloadIdentity: true });
  // Everything else of the stack is new.
  expect(changes.filter((c) => c !== adopted && c.change.actions.join() !== "create").map((c) => c.address)).toEqual([]);
  expect(changes.length).toBeGreaterThan(10);
});
