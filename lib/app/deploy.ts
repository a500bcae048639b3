import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * `npm run deploy`: synthesize, then apply, also when the change replaces or updates the cluster.
 *
 * The kubernetes provider is configured from the cluster in the same stack, so Terraform configures
 * it only after every planned change of the cluster. Two kinds of change then leave Terraform no
 * order to apply in ("Error: Cycle: ... provider["…/kubernetes"] ..."):
 * - the cluster is replaced (its location, name or resource group, or the group itself): destroying
 *   the Kubernetes objects needs the provider, which needs the new cluster, which needs the old one
 *   gone. Those objects live in the cluster and go with it, so they are destroyed first, through the
 *   cluster as it still is, and the apply that follows creates them in the new one. (Without a pod
 *   to destroy there may be no cycle, but the plan would update objects in a cluster that has none.)
 * - the cluster is updated (nodes scaled, workload identity switched) while an object that depends
 *   on it is destroyed (a renamed identity's credential, and the pod that used it): Terraform
 *   destroys such an object before it updates what it depends on, and the pod's destroy needs the
 *   provider, which waits for the update. The cluster is applied on its own first.
 * A change of how Terraform signs in to the cluster (local accounts off: the hardened profile) is
 * applied to the cluster first too: the full plan reads the Kubernetes objects the new way, which the
 * cluster accepts only once it is updated.
 */
export interface DeployIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

interface Plan {
  readonly resource_changes?: ReadonlyArray<{
    readonly address: string;
    readonly mode: string;
    readonly change: { readonly actions: readonly string[]; readonly before?: Record<string, unknown> | null; readonly after?: Record<string, unknown> | null };
  }>;
}

/** What the cluster's targeted plan says the full apply must be prepared for. */
export type ClusterChange = "replaced" | "changed" | "none";

/**
 * Reads a targeted plan of the cluster and of `signIn`, the resources the Kubernetes provider's
 * sign-in waits for (the deployer's cluster role and its propagation wait).
 */
export function clusterChange(plan: Plan, clusterAddress: string, signIn: readonly string[]): ClusterChange {
  const changes = (plan.resource_changes ?? []).filter((c) => c.mode === "managed");
  const cluster = changes.find((c) => c.address === clusterAddress);
  if (cluster?.change.actions.includes("delete")) return "replaced";
  const changed = (c: (typeof changes)[number]) => !c.change.actions.every((a) => a === "no-op" || a === "read");
  return (cluster !== undefined && changed(cluster)) || changes.some((c) => signIn.includes(c.address) && changed(c)) ? "changed" : "none";
}

interface StackResources {
  /** The managed cluster's address, when the stack manages one. */
  readonly cluster?: string;
  /** What the Kubernetes provider's sign-in waits for (the deployer's cluster role), when there is one. */
  readonly signInDependencies: readonly string[];
}

function stackResources(stackDir: string): StackResources {
  const tf = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as {
    resource?: Record<string, Record<string, { "//"?: { metadata?: { path?: string } } }>>;
  };
  const addresses = (type: string) => Object.keys(tf.resource?.[type] ?? {}).map((id) => `${type}.${id}`);
  const pathOf = (type: string, address: string) => tf.resource?.[type]?.[address.slice(type.length + 1)]?.["//"]?.metadata?.path ?? "";
  const [cluster] = addresses("azurerm_kubernetes_cluster");
  const signInDependencies = [
    ...addresses("azurerm_role_assignment").filter((a) => pathOf("azurerm_role_assignment", a).endsWith("/DeployerClusterAdmin")),
    ...addresses("time_sleep").filter((a) => pathOf("time_sleep", a).endsWith("/DeployerClusterAdminPropagation")),
  ];
  return { cluster, signInDependencies };
}

/** Runs Terraform in `cwd`, its output streamed through `io` (as untrusted text), its input the user's. */
function terraform(io: DeployIo, cwd: string, args: readonly string[], capture = false): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("terraform", [...args, "-no-color"], {
      cwd,
      env: { ...io.env, TF_IN_AUTOMATION: "1" } as NodeJS.ProcessEnv,
      stdio: [capture ? "ignore" : "inherit", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (capture ? (stdout += chunk) : io.stdout.write(chunk)));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (capture ? (stderr += chunk) : io.stderr.write(chunk)));
    child.on("error", (error: NodeJS.ErrnoException) =>
      error.code === "ENOENT" ? reject(new TerraformMissing()) : reject(error),
    );
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Terraform is not on the PATH. */
class TerraformMissing extends Error {}

export interface ApplyOptions {
  /** Apply without Terraform's questions (`-auto-approve -input=false`). */
  readonly autoApprove: boolean;
}

/**
 * Applies the synthesized stack in `stackDir`: init, then (when Kubernetes objects are in the state)
 * a targeted plan of the cluster to see whether the full apply must be prepared for, then apply.
 * Terraform's output is streamed through `io`; a failure is reported there.
 * @returns whether everything applied
 */
export async function applyStack(stackDir: string, options: ApplyOptions, io: DeployIo): Promise<boolean> {
  try {
    return await apply(stackDir, options, io);
  } catch (error) {
    if (!(error instanceof TerraformMissing)) throw error;
    io.stderr.write("deploy: terraform is not on the PATH: install the Terraform CLI 1.11 or later (help/getting-started.md)\n");
    return false;
  }
}

async function apply(stackDir: string, options: ApplyOptions, io: DeployIo): Promise<boolean> {
  const approve = options.autoApprove ? ["-auto-approve", "-input=false"] : [];
  const step = async (args: readonly string[], capture = false) => {
    const result = await terraform(io, stackDir, args, capture);
    if (result.code !== 0 && capture) io.stderr.write(`${result.stdout}${result.stderr}`);
    return result;
  };
  if ((await step(["init", "-input=false"], true)).code !== 0) return false;

  const { cluster, signInDependencies } = stackResources(stackDir);
  // Only Kubernetes objects already in the state need the cluster's connection while planning.
  const listed = await terraform(io, stackDir, ["state", "list"], true);
  const firstDeploy = listed.code !== 0 && /No state file was found/.test(listed.stderr);
  if (listed.code !== 0 && !firstDeploy) {
    io.stderr.write(`${listed.stdout}${listed.stderr}`);
    return false;
  }
  const objects = listed.stdout.split("\n").filter((a) => a.startsWith("kubernetes_"));
  if (cluster !== undefined && objects.length > 0) {
    const targets = [cluster, ...signInDependencies].map((a) => `-target=${a}`);
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "aks-wi-deploy-"));
    try {
      const planFile = path.join(scratch, "cluster.tfplan");
      if ((await step(["plan", "-input=false", `-out=${planFile}`, ...targets], true)).code !== 0) return false;
      const shown = await step(["show", "-json", planFile], true);
      if (shown.code !== 0) return false;
      let plan: Plan;
      try {
        plan = JSON.parse(shown.stdout) as Plan;
      } catch {
        io.stderr.write(
          "deploy: terraform show -json printed something other than JSON: is terraform a wrapper script (setup-terraform's " +
            "terraform_wrapper)? Run deploy with the Terraform CLI itself first on the PATH.\n",
        );
        return false;
      }
      const change = clusterChange(plan, cluster, signInDependencies);
      if (change === "replaced") {
        io.stdout.write(
          `deploy: this change replaces the cluster (${cluster}). Terraform cannot plan that in one apply: the ` +
            "kubernetes provider is configured from the cluster being replaced. The cluster's Kubernetes objects " +
            `(${objects.length}) go with it, so they are destroyed first, through the cluster as it is now, with what ` +
            "depends on them (Terraform names each below), and created again in the new one by the apply that follows.\n",
        );
        if ((await step(["destroy", ...approve, ...objects.map((a) => `-target=${a}`)])).code !== 0) return false;
      } else if (change === "changed") {
        io.stdout.write(
          `deploy: this change updates the cluster (${cluster}), or how Terraform signs in to it. The cluster is applied ` +
            "first, on its own: Terraform configures the kubernetes provider only after the cluster's changes, and " +
            "cannot order them with Kubernetes objects that must go before them.\n",
        );
        // Approved in advance, the plan just made is applied as it is; otherwise Terraform plans again and asks.
        const apply = approve.length > 0 ? ["apply", "-input=false", planFile] : ["apply", ...targets];
        if ((await step(apply)).code !== 0) return false;
      }
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
  return (await step(["apply", ...approve])).code === 0;
}
