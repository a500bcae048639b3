import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";
import { ExistingAksOidcCluster, WORKLOAD_IDENTITY_WEBHOOK } from "../../lib/existing-aks-oidc-cluster";
import { OFFLINE, terraform, terraformResult, uiMessages } from "./terraform";

/**
 * The existing-cluster example stops at the cluster's own postcondition, so Terraform never reaches the
 * webhook question there. Here the Kubernetes provider has a fixed address, so both checks run in one
 * plan. The stand-ins read nothing (no OIDC issuer, no webhook objects): both must fail, each with its fix.
 */

(OFFLINE ? test : test.skip)("a cluster without the OIDC issuer or the workload-identity webhook fails the plan with both fixes", () => {
  const app = Testing.stubVersion(new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "aks-wi-checks-")) }));
  const stack = new TerraformStack(app, "checks");
  new AzurermProvider(stack, "azurerm", { features: [{}], subscriptionId: "00000000-0000-0000-0000-000000000000" });
  new KubernetesProvider(stack, "kubernetes", { host: "https://cluster.invalid" });
  new ExistingAksOidcCluster(stack, "Cluster", { name: "aks-old", resourceGroupName: "rg-old" }).requireWorkloadIdentity();
  app.synth();
  const dir = path.join(app.outdir, "stacks", "checks");
  try {
    terraform(dir, ["init", "-input=false"]);
    const result = terraformResult(dir, ["plan", "-json", "-input=false", "-lock=false"]);
    expect(result.status).toBe(1);
    const failed = uiMessages(result.stdout)
      .filter((m) => m.type === "diagnostic" && m.diagnostic.severity === "error")
      .map(({ diagnostic: d }) => [d.summary, d.detail.match(/az aks update .*$/)?.[0] ?? d.detail]);
    expect(failed.sort()).toEqual(
      [
        ["Resource postcondition failed", "az aks update --resource-group rg-old --name aks-old --enable-oidc-issuer --enable-workload-identity"],
        ["Resource postcondition failed", "az aks update --resource-group rg-old --name aks-old --enable-workload-identity"],
      ].sort(),
    );
    expect(result.stdout).toContain(WORKLOAD_IDENTITY_WEBHOOK);
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
});
