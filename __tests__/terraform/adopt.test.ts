import * as fs from "fs";
import * as path from "path";
import { runApp, scratchDir, STACK_FILE } from "../app-process";
import { ChildProcess } from "child_process";
import { startProviders, stopProviders } from "./providers.setup";
import { OFFLINE, terraform } from "./terraform";

/**
 * Adopting a cluster made by `az aks create`: the stack's import block brings it in, and the first
 * plan must keep it, updating it in place at worst. The stand-ins import from fixtures shaped as az
 * leaves a cluster (fixtures/import/README.md), SSH key, CSI drivers and upgrade settings included.
 * Offline only: against real providers it would read real resource groups.
 */
const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(__dirname, "fixtures", "import");
const SECRET_ENV = { TF_VAR_keyvault_secret_value: "adopt-test-value", TF_VAR_keyvault_additional_secret_values: "{}" };

interface ResourceChange {
  readonly address: string;
  readonly mode: string;
  readonly change: { readonly actions: string[]; readonly importing?: unknown; readonly before: Record<string, unknown>; readonly after: Record<string, unknown> };
}

const dirs: string[] = [];
// Providers of this file's own, with import turned on from the fixtures; the suite's shared ones have it off.
let importing: { reattach: string; host: ChildProcess } | undefined;
afterAll(async () => {
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  await stopProviders(importing?.host);
});

/** Synthesizes `config` and plans it on an empty state: the import, and everything else new. */
function planAdoption(config: string): { cluster: ResourceChange; others: ResourceChange[] } {
  const project = scratchDir("aks-wi-adopt-");
  dirs.push(project);
  fs.writeFileSync(path.join(project, "config.yaml"), config);
  const run = runApp(project, { AKS_WI_CONFIG: "config.yaml" });
  if (run.status !== 0) throw new Error(run.stderr);
  const stack = path.dirname(path.join(project, STACK_FILE));
  terraform(stack, ["init", "-input=false"]);
  const env = { TF_REATTACH_PROVIDERS: importing!.reattach };
  terraform(stack, ["plan", "-input=false", "-lock=false", "-out=tfplan"], { ...SECRET_ENV, ...env });
  const plan = JSON.parse(terraform(stack, ["show", "-json", "tfplan"], env));
  const changes: ResourceChange[] = plan.resource_changes.filter((c: ResourceChange) => c.mode === "managed");
  const cluster = changes.find((c) => c.address.startsWith("azurerm_kubernetes_cluster."));
  if (!cluster) throw new Error("the plan has no cluster");
  return { cluster, others: changes.filter((c) => c !== cluster) };
}

(OFFLINE ? describe : describe.skip)("adopting a cluster made by az aks create", () => {
  beforeAll(async () => {
    importing = await startProviders({ OFFLINE_TF_IMPORT_FIXTURES: FIXTURES });
  });

  test("the article's cluster, with its SSH key given as linuxProfile, is imported unchanged", () => {
    const fixture = JSON.parse(fs.readFileSync(path.join(FIXTURES, "az-aks-create.json"), "utf8"));
    const [profile] = fixture.attributes.linux_profile;
    // The cluster stays in the article's group; this stack's identities and vault go into a new one.
    const { cluster, others } = planAdoption(
      [
        "suffix: a1b2c3",
        "resourceGroup:",
        "  name: rg-workload-identity-{suffix}",
        "cluster:",
        "  name: myAKSCluster",
        "  resourceGroup: myResourceGroup",
        "  nodeCount: 3",
        `  importId: ${fixture.id}`,
        "  linuxProfile:",
        `    adminUsername: ${profile.admin_username}`,
        `    sshPublicKey: ${profile.ssh_key[0].key_data}`,
        "",
      ].join("\n"),
    );
    expect(cluster.change.importing).toEqual({ id: fixture.id });
    expect(cluster.change.actions).toEqual(["no-op"]);
    expect(cluster.change.after.linux_profile).toEqual(fixture.attributes.linux_profile);
    expect(others.filter((c) => c.change.actions.join() !== "create").map((c) => c.address)).toEqual([]);
  });

  test("examples/adopt-cluster.yaml is updated in place to turn on the OIDC issuer and workload identity, keeping what az set up", () => {
    const fixture = JSON.parse(fs.readFileSync(path.join(FIXTURES, "aks-legacy.json"), "utf8"));
    const { cluster, others } = planAdoption(fs.readFileSync(path.join(ROOT, "examples", "adopt-cluster.yaml"), "utf8"));
    expect(cluster.change.importing).toEqual({ id: fixture.id });
    expect(cluster.change.actions).toEqual(["update"]);
    const flags = (values: Record<string, unknown>) => ({ oidc: values.oidc_issuer_enabled, workloadIdentity: values.workload_identity_enabled });
    expect(flags(cluster.change.before)).toEqual({ oidc: false, workloadIdentity: false });
    expect(flags(cluster.change.after)).toEqual({ oidc: true, workloadIdentity: true });
    // The SSH key, the DNS prefix az chose, the CSI drivers and the upgrade settings stay as they are.
    for (const kept of ["linux_profile", "dns_prefix", "storage_profile"]) expect(cluster.change.after[kept]).toEqual(fixture.attributes[kept]);
    const pool = (values: Record<string, unknown>) => (values.default_node_pool as Array<Record<string, unknown>>)[0].upgrade_settings;
    expect(pool(cluster.change.after)).toEqual(fixture.attributes.default_node_pool[0].upgrade_settings);
    expect(others.filter((c) => c.change.actions.join() !== "create").map((c) => c.address)).toEqual([]);
    expect(others.length).toBeGreaterThan(10);
  });
});
