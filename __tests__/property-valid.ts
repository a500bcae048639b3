import fc from "fast-check";
import { validConfig } from "./arbitraries";
import { Block, synthApp, withPlainStackTraces } from "./helpers";

/**
 * Seeded property tests: hundreds of generated configurations, valid and invalid, through the
 * same paths a user's run takes. A failure prints the seed and the shrunk counterexample.
 */
export const SEED = 20261128;

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

/**
 * Declares `runs` valid-configuration cases from `seed`. Two test files share the 500 cases, so that
 * jest's two workers synthesize them side by side.
 */
export function describeValidConfigurations(seed: number, runs: number): void {
  describe("valid configurations (property)", () => {
  test(`${runs} generated configurations synthesize, and every name satisfies its documented rule`, () => {
    let checkedNames = 0;
    withPlainStackTraces(() =>
      fc.assert(
      fc.property(validConfig(), ({ raw }) => {
        const { tf } = synthApp(raw);
        const names = synthesizedNames(tf);
        expect(names.length).toBeGreaterThanOrEqual(9);
        // A random suffix is 6 hex characters; all digits is the hardest case for every rule.
        const broken = names
          .map(([rule, template]) => ({ rule, name: template.replace(/\$\{random_id\.Suffix\.hex\}/g, "000000") }))
          .filter(({ rule, name }) => {
            const [pattern, min, max] = DOCUMENTED[rule];
            return !(pattern.test(name) && name.length >= min && name.length <= max);
          });
        expect(broken).toEqual([]); // one expect per case: jest's expect() costs more than the check
        checkedNames += names.length;
      }),
        { seed, numRuns: runs },
      ),
    );
    expect(checkedNames).toBeGreaterThanOrEqual(runs * 9);
  });
});
}
