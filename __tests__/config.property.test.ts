import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { stringify } from "yaml";
import { synth } from "../lib/app/synth";
import { invalidConfig, validConfig } from "./arbitraries";
import { Block, synthApp, withPlainStackTraces } from "./helpers";

/**
 * Seeded property tests: hundreds of generated configurations, valid and invalid, through the
 * same paths a user's run takes. A failure prints the seed and the shrunk counterexample.
 */
const SEED = 20261128;
const RUNS = 500;

/** The naming rules as Azure and Kubernetes document them, stated independently of lib/config/rules.ts. */
const DOCUMENTED: Record<string, [RegExp, number, number]> = {
  resourceGroup: [/^[-\w.()]*[-\w()]$/, 1, 90],
  cluster: [/^[a-zA-Z0-9]$|^[a-zA-Z0-9][a-zA-Z0-9_-]*[a-zA-Z0-9]$/, 1, 63],
  dnsPrefix: [/^[a-zA-Z0-9]$|^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/, 1, 54],
  nodePool: [/^[a-z][a-z0-9]*$/, 1, 12],
  identity: [/^[a-zA-Z0-9][a-zA-Z0-9_-]*$/, 3, 128],
  federatedCredential: [/^[a-zA-Z0-9][a-zA-Z0-9_-]*$/, 3, 120],
  keyVault: [/^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$/, 3, 24],
  secret: [/^[a-zA-Z0-9-]+$/, 1, 127],
  namespace: [/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 1, 63],
  serviceAccount: [/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 1, 253],
};

/** Every name the stack gives Azure or Kubernetes, with the rule it must satisfy. */
function synthesizedNames(tf: Block): Array<[string, string]> {
  const all = (type: string) => Object.values((tf.resource[type] ?? {}) as Record<string, Block>);
  return [
    ...all("azurerm_resource_group").map((r): [string, string] => ["resourceGroup", r.name]),
    ...all("azurerm_kubernetes_cluster").flatMap((r): Array<[string, string]> => [
      ["cluster", r.name],
      ["dnsPrefix", r.dns_prefix],
      ["nodePool", r.default_node_pool.name],
    ]),
    ...all("azurerm_user_assigned_identity").map((r): [string, string] => ["identity", r.name]),
    ...all("azurerm_federated_identity_credential").map((r): [string, string] => ["federatedCredential", r.name]),
    ...all("azurerm_key_vault").map((r): [string, string] => ["keyVault", r.name]),
    ...all("azurerm_key_vault_secret").map((r): [string, string] => ["secret", r.name]),
    ...all("kubernetes_namespace_v1").map((r): [string, string] => ["namespace", r.metadata.name]),
    ...all("kubernetes_service_account_v1").flatMap((r): Array<[string, string]> => [
      ["serviceAccount", r.metadata.name],
      ["namespace", namespaceName(tf, r.metadata.namespace)],
    ]),
  ];
}

/** A namespace as written, or the name of the namespace resource it refers to. */
function namespaceName(tf: Block, namespace: string): string {
  const ref = /^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(namespace);
  return ref ? tf.resource.kubernetes_namespace_v1[ref[1]].metadata.name : namespace;
}

describe("valid configurations (property)", () => {
  test(`${RUNS} generated configurations synthesize, and every name satisfies its documented rule`, () => {
    let checkedNames = 0;
    withPlainStackTraces(() =>
      fc.assert(
      fc.property(validConfig(), ({ raw }) => {
        const { tf } = synthApp(raw);
        const names = synthesizedNames(tf);
        expect(names.length).toBeGreaterThanOrEqual(9);
        for (const [rule, template] of names) {
          // A random suffix is 6 hex characters; all digits is the hardest case for every rule.
          const name = template.replace(/\$\{random_id\.Suffix\.hex\}/g, "000000");
          const [pattern, min, max] = DOCUMENTED[rule];
          expect({ rule, name, ok: pattern.test(name) && name.length >= min && name.length <= max }).toEqual({ rule, name, ok: true });
          checkedNames++;
        }
      }),
        { seed: SEED, numRuns: RUNS },
      ),
    );
    expect(checkedNames).toBeGreaterThanOrEqual(RUNS * 9);
  });
});

describe("invalid configurations (property)", () => {
  test(`${RUNS} generated bad configurations each exit 1, name every bad path, and write nothing`, () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "aks-wi-invalid-"));
    let cases = 0;
    try {
      fc.assert(
        fc.property(invalidConfig(), fc.boolean(), ({ raw, env, mutations }, asYaml) => {
          const cwd = fs.mkdtempSync(path.join(root, "case-"));
          const file = asYaml ? "config.yaml" : "config.json";
          fs.writeFileSync(path.join(cwd, file), asYaml ? stringify(raw) : JSON.stringify(raw));
          let stderr = "";
          const code = synth({ env: { ...env, AKS_WI_CONFIG: file }, cwd, stderr: { write: (t: string) => (stderr += t) } });
          expect(code).toBe(1);
          const reported = stderr.split("\n").filter((l) => l.startsWith("  - "));
          for (const m of mutations) {
            const named = m.variable ? `  - ${m.path} (from environment variable ${m.variable}): ` : `  - ${m.path}: `;
            expect({ path: m.path, named: reported.some((l) => l.startsWith(named)) }).toEqual({ path: m.path, named: true });
          }
          expect(fs.readdirSync(cwd)).toEqual([file]);
          fs.rmSync(cwd, { recursive: true });
          cases++;
        }),
        { seed: SEED, numRuns: RUNS },
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
    expect(cases).toBe(RUNS);
  });
});
