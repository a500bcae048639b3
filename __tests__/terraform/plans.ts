import * as fs from "fs";
import * as path from "path";
import { loadConfig } from "../../lib/config/load";
import { runApp, scratchDir, STACK_FILE } from "../app-process";
import { findDeprecated } from "./deprecations";
import { OFFLINE, terraform, TerraformResult, terraformResult, UiMessage, uiMessages } from "./terraform";

/**
 * Real Terraform on every configuration we ship. In CI, TF_CLI_CONFIG_FILE points Terraform at
 * the offline stand-in providers (../shared/offline-terraform); elsewhere it downloads the real ones.
 */
const ROOT = path.join(__dirname, "..", "..");
const EXAMPLES = fs
  .readdirSync(path.join(ROOT, "examples"))
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .sort();
/** The default configuration and every example, as [label, example file]. */
export const CONFIGS: Array<[string, string | undefined]> = [["the default configuration", undefined], ...EXAMPLES.map((f): [string, string] => [`examples/${f}`, f])];

/**
 * Examples that look up or import resources by name plan only where those resources exist. Against
 * the stand-ins they stop where a real plan would stop for a cluster or vault that lacks the
 * features: every boolean a stand-in data source reads is null, so each postcondition fails with
 * its own message; and the stand-ins cannot import, so Terraform reports that after preparing it.
 */
const STOPS: Record<string, { readonly errors: readonly string[] }> = {
  "existing-cluster-and-vault.yaml": {
    errors: [
      "AKS cluster aks-platform has no OIDC issuer, so Entra ID cannot trust its tokens. Enable it (it cannot be turned off again), with workload identity: az aks update --resource-group rg-platform --name aks-platform --enable-oidc-issuer --enable-workload-identity",
      "Key vault kv-platform-shared has no purge protection. Enable it (it cannot be turned off again): az keyvault update --name kv-platform-shared --enable-purge-protection true",
      "Key vault kv-platform-shared uses access policies, not Azure RBAC. Switch it (existing access policies stop applying): az keyvault update --name kv-platform-shared --enable-rbac-authorization true",
    ],
  },
  // Terraform asks the provider to import the cluster only because of the stack's import block.
  "adopt-cluster.yaml": {
    errors: ["Unsupported plugin method: The plugin6.(*GRPCProvider).ImportResourceState method is not supported by this plugin."],
  },
};


/** A `planned_change` of Terraform's machine-readable UI (`plan -json`). */
interface PlannedChange {
  readonly resource: { readonly addr: string };
  readonly action: string;
}

interface Diagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail: string;
}

interface ConfigResource {
  readonly address: string;
  readonly type: string;
  readonly depends_on?: readonly string[];
  readonly expressions: Record<string, { readonly references?: readonly string[] }>;
}

/**
 * Declares the suite for `configs`; the test files split the configurations between them so that
 * jest runs them on parallel workers.
 */
export function describePlans(configs: Array<[string, string | undefined]>): void {
  const dirs: string[] = [];
  let schemas: unknown;
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  describe.each(configs)("%s under real Terraform", (_label, example) => {
    let stackDir: string;
    let tf: { resource: Record<string, Record<string, unknown>> } & Record<string, unknown>;
    let planRun: TerraformResult;
    let messages: UiMessage[];
    let diagnostics: Diagnostic[];
    const stop = example === undefined ? undefined : STOPS[example];
    // The secrets' values, as a user supplies them at plan time (never in the configuration).
    const { config } = loadConfig({ env: example ? { AKS_WI_CONFIG: path.join(ROOT, "examples", example) } : {} });
    const secretEnv = {
      TF_VAR_keyvault_secret_value: "plan-test-value",
      TF_VAR_keyvault_additional_secret_values: JSON.stringify(Object.fromEntries(config.keyVault.additionalSecrets.map((name) => [name, `value of ${name}`]))),
    };

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
      // One plan serves every test: it validates the configuration first (what `terraform validate`
      // does), then plans; each Terraform command starts every provider twice, seconds each time.
      const args = ["plan", "-json", "-input=false", "-lock=false", ...(stop ? [] : ["-out=tfplan"])];
      planRun = terraformResult(stackDir, args, secretEnv);
      messages = uiMessages(planRun.stdout);
      diagnostics = messages.filter((m) => m.type === "diagnostic").map((m) => m.diagnostic as Diagnostic);
    });

    test("validates and plans without warnings (deprecations included), and without errors unless it must stop", () => {
      expect(diagnostics.filter((d) => d.severity !== "error")).toEqual([]);
      if (!stop) {
        expect(diagnostics).toEqual([]);
        expect(planRun.status).toBe(0);
      } else {
        // Its plan stops (on the stand-ins at the looked-up resources; elsewhere, without Azure
        // credentials, sooner): validate it on its own, which needs neither.
        const result = JSON.parse(terraform(stackDir, ["validate", "-json"]));
        expect(result.diagnostics).toEqual([]);
        expect(result).toMatchObject({ valid: true, error_count: 0, warning_count: 0 });
      }
    });

    test("uses no argument or block the providers' schemas mark deprecated", () => {
      // Every configuration uses the same providers: read their schemas once per file.
      schemas ??= JSON.parse(terraform(stackDir, ["providers", "schema", "-json"]));
      const { provider_schemas } = schemas as Parameters<typeof findDeprecated>[1];
      expect(Object.keys(provider_schemas).length).toBeGreaterThanOrEqual(3);
      expect(findDeprecated(tf, schemas as Parameters<typeof findDeprecated>[1])).toEqual([]);
    });

    if (stop) {
      (OFFLINE ? test : test.skip)("stops the plan where the looked-up resources fall short, with the fix", () => {
        expect(planRun.status).toBe(1);
        const errors = diagnostics
          .filter((d) => d.severity === "error")
          .map((d) => (d.summary === "Resource postcondition failed" ? d.detail : `${d.summary}: ${d.detail}`));
        expect(errors.sort()).toEqual([...stop.errors].sort());
      });
      return;
    }

    test("plans to create every synthesized resource and nothing else", () => {
      expect(planRun.status).toBe(0);
      // Terraform's streamed plan names each change; no-ops are not listed.
      const changes = messages.filter((m) => m.type === "planned_change").map((m) => m.change as PlannedChange);
      const planned = changes.filter((c) => !c.resource.addr.startsWith("data.")).map((c) => c.resource.addr).sort();
      const synthesized = Object.entries(tf.resource)
        .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
        .sort();
      expect(planned).toEqual(synthesized);
      expect(changes.filter((c) => !c.resource.addr.startsWith("data.") && c.action !== "create")).toEqual([]);
      for (const type of ["azurerm_user_assigned_identity", "kubernetes_service_account_v1", "azurerm_federated_identity_credential", "azurerm_role_assignment", "azurerm_key_vault_secret"]) {
        expect(planned.some((p) => p.startsWith(`${type}.`))).toBe(true);
      }
    });

    // Only an identity with two or more credentials has a chain to check; reading Terraform's own view
    // of the configuration (the saved plan's JSON) costs another Terraform run.
    const identities = config.workloads.map((w) => w.identity);
    if (new Set(identities).size === identities.length) return;
    test("writes each identity's credentials one after another: each depends on the one before", () => {
      const parents = Object.values(tf.resource.azurerm_federated_identity_credential as Record<string, { parent_id: string }>).map((c) => c.parent_id);
      expect(new Set(parents).size).toBeLessThan(parents.length);
      const plan = JSON.parse(terraform(stackDir, ["show", "-json", "tfplan"]));
      const resources: ConfigResource[] = plan.configuration.root_module.resources;
      const credentials = resources.filter((r) => r.type === "azurerm_federated_identity_credential");
      expect(credentials).toHaveLength(parents.length);
      const byIdentity = new Map<string, ConfigResource[]>();
      for (const credential of credentials) {
        const identity = credential.expressions.parent_id.references?.find((r) => r.endsWith(".id")) ?? "";
        byIdentity.set(identity, [...(byIdentity.get(identity) ?? []), credential]);
      }
      for (const chain of byIdentity.values()) {
        const heads = chain.filter((c) => !c.depends_on?.some((d) => d.startsWith("azurerm_federated_identity_credential.")));
        expect(heads).toHaveLength(1);
        const order = [heads[0]];
        while (order.length < chain.length) {
          const next = chain.filter((c) => c.depends_on?.includes(order[order.length - 1].address));
          expect(next).toHaveLength(1);
          order.push(next[0]);
        }
      }
      if (example === "shared-identity.yaml") expect([...byIdentity.values()].map((c) => c.length)).toEqual([3]);
    });
  });
}
