import fc from "fast-check";

/**
 * Generators of configurations for property tests. Valid values are built from the rules Azure
 * and Kubernetes document (not from lib/config/rules.ts), so the tests check the loader against
 * an independent statement of the rules.
 */

export type Raw = Record<string, unknown>;

const RANDOM_LENGTH = 6;

interface NameShape {
  /** Characters allowed first, in the middle, and last. */
  readonly head: string;
  readonly body: string;
  readonly tail: string;
  readonly min: number;
  readonly max: number;
  /** Whether `{suffix}` may open the name (it may be all digits when random). */
  readonly suffixFirst: boolean;
  /** Mends what per-character choice cannot express (no "--", label boundaries); may only shorten. */
  readonly mend?: (name: string) => string;
}

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const ALNUM = UPPER + LOWER + DIGITS;
const LOWER_ALNUM = LOWER + DIGITS;

export const SHAPES = {
  resourceGroup: { head: ALNUM + "_()-", body: ALNUM + "_.()-", tail: ALNUM + "_()-", min: 1, max: 90, suffixFirst: true },
  cluster: { head: ALNUM, body: ALNUM + "_-", tail: ALNUM, min: 1, max: 63, suffixFirst: true },
  identity: { head: ALNUM, body: ALNUM + "_-", tail: ALNUM + "_-", min: 3, max: 128, suffixFirst: true },
  federatedCredential: { head: ALNUM, body: ALNUM + "_-", tail: ALNUM + "_-", min: 3, max: 120, suffixFirst: true },
  keyVault: { head: UPPER + LOWER, body: ALNUM + "-", tail: ALNUM, min: 3, max: 24, suffixFirst: false, mend: (n) => n.replace(/-+/g, "-") },
  secret: { head: ALNUM + "-", body: ALNUM + "-", tail: ALNUM + "-", min: 1, max: 127, suffixFirst: true },
  namespace: { head: LOWER_ALNUM, body: LOWER_ALNUM + "-", tail: LOWER_ALNUM, min: 1, max: 40, suffixFirst: true },
  serviceAccount: {
    head: LOWER_ALNUM,
    body: LOWER_ALNUM + "-.",
    tail: LOWER_ALNUM,
    min: 1,
    max: 60,
    suffixFirst: true,
    // Each dot-separated label starts and ends with a letter or digit.
    mend: (n) => n.split(".").map((label) => label.replace(/^-+|-+$/g, "")).filter(Boolean).join("."),
  },
} satisfies Record<string, NameShape>;

function literal(shape: NameShape, max: number): fc.Arbitrary<string> {
  const char = (set: string) => fc.constantFrom(...set);
  const min = Math.min(shape.min, max);
  if (max === 1) return char(shape.head);
  return fc
    .tuple(char(shape.head), fc.string({ unit: char(shape.body), minLength: Math.max(0, min - 2), maxLength: max - 2 }), char(shape.tail))
    .map(([h, b, t]) => (shape.mend ? shape.mend(h + b + t) : h + b + t))
    .filter((n) => n.length >= min);
}

/**
 * A valid name template: a valid literal, with `{suffix}` appended or prepended now and then,
 * within the length limit once the suffix (`suffixLength` characters) is expanded.
 */
export function nameTemplate(shape: NameShape, suffixLength: number): fc.Arbitrary<string> {
  const room = Math.min(shape.max - suffixLength, 40);
  const options = [literal(shape, Math.min(shape.max, 40))];
  if (room >= 1) {
    options.push(literal(shape, room).map((s) => `${s}{suffix}`));
    if (shape.suffixFirst) options.push(literal(shape, room).map((s) => `{suffix}${s}`));
  }
  return fc.oneof(...options);
}

export interface GeneratedConfig {
  readonly raw: Raw;
  /** Expanded length of `{suffix}`. */
  readonly suffixLength: number;
}

/** A valid configuration file's content: some keys set, others left to their defaults. */
export function validConfig(): fc.Arbitrary<GeneratedConfig> {
  const suffix = fc.option(fc.string({ unit: fc.constantFrom(...LOWER_ALNUM), minLength: 1, maxLength: 16 }), { nil: undefined });
  // Built once per suffix length, not per generated value: building fc.string is most of the cost
  // (fast-check tokenizes its special strings each time). The values drawn are the same either way.
  const byLength = new Map<number, fc.Arbitrary<Raw>>();
  return suffix.chain((fixed) => {
    const n = fixed?.length ?? RANDOM_LENGTH;
    if (!byLength.has(n)) byLength.set(n, rawConfig(n));
    return byLength
      .get(n)!
      .map((r) => consistent(r, fixed))
      .filter((r): r is Raw => r !== undefined)
      .map((r): GeneratedConfig => ({ raw: fixed === undefined ? r : { ...r, suffix: fixed }, suffixLength: n }));
  });
}

/** The configuration's keys before they are made consistent, for a `{suffix}` of `n` characters. */
function rawConfig(n: number): fc.Arbitrary<Raw> {
  const name = (shape: NameShape) => nameTemplate(shape, n);
  const workload = fc.record(
    {
      namespace: name(SHAPES.namespace),
      serviceAccount: name(SHAPES.serviceAccount),
      identity: name(SHAPES.identity),
      federatedCredential: name(SHAPES.federatedCredential),
      namespaceExists: fc.boolean(),
      tokenExpiration: fc.integer({ min: 3600, max: 86400 }),
      tenantId: fc.uuid(),
      shareIdentity: fc.boolean(),
      secretPicks: fc.option(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), { nil: undefined }),
    },
    { requiredKeys: ["serviceAccount", "identity", "shareIdentity"] },
  );
  const workloads = fc.array(workload, { minLength: 1, maxLength: 4 });
  const raw = fc.record(
    {
      location: fc.constantFrom("eastus", "westeurope", "East US 2", "North Europe", "uksouth"),
      resourceGroup: fc.record({ name: name(SHAPES.resourceGroup) }),
      cluster: fc.record(
        {
          name: name(SHAPES.cluster),
          nodePoolName: literal({ head: LOWER, body: LOWER_ALNUM, tail: LOWER_ALNUM, min: 1, max: 12, suffixFirst: false }, 12),
          nodeCount: fc.integer({ min: 1, max: 1000 }),
          nodeVmSize: fc.constantFrom("Standard_D2s_v5", "Standard_DS2_v2", "Standard_B4ms"),
          workloadIdentityEnabled: fc.boolean(),
          oidcIssuerEnabled: fc.constant(true),
        },
        { requiredKeys: [] },
      ),
      // The default vault name, kv-workload-id{suffix}, fits only suffixes of up to 10 characters.
      keyVault: fc.record(
        {
          name: name(SHAPES.keyVault),
          sku: fc.constantFrom("standard", "premium"),
          secretName: name(SHAPES.secret),
          additionalSecrets: fc.array(name(SHAPES.secret), { maxLength: 2 }),
        },
        { requiredKeys: n > 10 ? ["name"] : [] },
      ),
      workloads,
      sharedIdentity: name(SHAPES.identity),
      verificationPod: fc.record({ enabled: fc.boolean(), image: fc.constantFrom("ghcr.io/azure/azure-workload-identity/msal-go", "myacr.azurecr.io/msal-go:1.2") }, { requiredKeys: [] }),
    },
    { requiredKeys: n > 10 ? ["keyVault", "workloads", "sharedIdentity"] : ["workloads", "sharedIdentity"] },
  );
  return raw as fc.Arbitrary<Raw>;
}

/**
 * Makes a generated configuration consistent across keys, as a user must: shared identities spelled
 * alike with derived credential names, granted secrets that the vault holds, a pod only with
 * workload identity. Returns undefined when names collide once expanded (rare; regenerated).
 */
function consistent(r: Raw, fixed: string | undefined): Raw | undefined {
  const expand = (t: string) => (fixed === undefined ? t : t.split("{suffix}").join(fixed)).toLowerCase();
  const strip = (t: string) => (fixed === undefined ? t.split("{suffix}").join("") : expand(t)).toLowerCase();
  const { sharedIdentity, workloads: generated, ...rest } = r as Raw & { sharedIdentity: string; workloads: Raw[] };
  const vault = { ...((rest.keyVault as Raw | undefined) ?? {}) };
  const primary = (vault.secretName as string | undefined) ?? "my-secret{suffix}";
  const secrets = [primary, ...((vault.additionalSecrets as string[] | undefined) ?? [])];
  if (new Set(secrets.map(expand)).size !== secrets.length) return undefined;

  const workloads = generated.map((g, i) => {
    const { shareIdentity, secretPicks, ...w } = g as Raw & { shareIdentity: boolean; secretPicks?: number[] };
    const out: Raw = { ...w };
    if (shareIdentity) {
      out.identity = sharedIdentity;
      delete out.federatedCredential; // derived names differ by service account
    }
    if (secretPicks) {
      const picked = new Set(secretPicks.map((p) => secrets[p % secrets.length]));
      if (i === 0) picked.add(primary); // the verification pod reads it as this workload
      out.secrets = [...picked];
    }
    return out;
  });
  const accounts = workloads.map((w) => `${expand((w.namespace as string | undefined) ?? "default")}/${expand(w.serviceAccount as string)}`);
  if (new Set(accounts).size !== accounts.length) return undefined;
  const spellings = new Map<string, string>();
  for (const w of workloads) {
    const key = strip(w.identity as string);
    if ((spellings.get(key) ?? w.identity) !== w.identity) return undefined;
    spellings.set(key, w.identity as string);
  }
  const credentials = workloads.map((w, i) => `${strip(w.identity as string)}/${w.federatedCredential === undefined ? accounts[i] : expand(w.federatedCredential as string)}`);
  if (new Set(credentials).size !== credentials.length) return undefined;

  // Without workload identity the verification pod would get no token; the loader rejects it.
  const podless = (rest.cluster as Raw | undefined)?.workloadIdentityEnabled === false;
  const pod = podless ? { ...((rest.verificationPod as Raw | undefined) ?? {}), enabled: false } : rest.verificationPod;
  return { ...rest, workloads, ...(pod === undefined ? {} : { verificationPod: pod }) };
}

/** One thing made wrong in a valid configuration, and the config path an error must name. */
export interface Mutation {
  readonly path: string;
  /** Environment variable carrying the bad value, when it comes from the environment. */
  readonly variable?: string;
  apply(raw: Raw, env: Record<string, string>): void;
}

type Leaf = readonly [section: string | null, key: string];

/** Bad values per leaf: each breaks a rule whatever the rest of the configuration is. */
const BAD_VALUES: ReadonlyArray<readonly [Leaf, readonly unknown[]]> = [
  [[null, "location"], ["", "east_us", "  ", 7, "eastus!"]],
  [[null, "suffix"], ["ABC", "", "a-b", "x".repeat(17), 123]],
  [["resourceGroup", "name"], ["rg.", "r".repeat(91), "my rg", "rg/x", "", false]],
  [["cluster", "name"], ["-aks", "aks-", "a".repeat(64), "my.aks", "aks{random}", 5]],
  [["cluster", "dnsPrefix"], ["my_prefix", "-x", "p".repeat(55), ""]],
  [["cluster", "nodePoolName"], ["NodePool", "1pool", "nodepool12345", "pool-1", ""]],
  [["cluster", "nodeCount"], [0, 1001, 1.5, "3", null]],
  [["cluster", "nodeVmSize"], ["D2s_v5", "Standard D2", ""]],
  [["cluster", "workloadIdentityEnabled"], ["false", 1, null]],
  [["cluster", "oidcIssuerEnabled"], [false, "true"]],
  [["keyVault", "name"], ["1kv", "kv--x", "kv-", "k", "x".repeat(25), "kv_x", "keyvault-workload-identity{suffix}"]],
  [["keyVault", "sku"], ["Standard", "basic", ""]],
  [["keyVault", "secretName"], ["my_secret", "s".repeat(128), "a b", ""]],
  [["keyVault", "additionalSecrets"], ["extra", 5, {}]],
  [["keyVault", "existing"], ["true", 0]],
  [["resourceGroup", "existing"], ["no"]],
  [["cluster", "importId"], ["aks-legacy", "/subscriptions/x/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c"]],
  [["verificationPod", "enabled"], ["yes", 0]],
  [["verificationPod", "image"], ["msal go", "", 42]],
];

const BAD_WORKLOAD_VALUES: ReadonlyArray<readonly [string, readonly unknown[]]> = [
  ["namespace", ["Default", "-ns", "n".repeat(64), "ns.x", "{namespace}"]],
  ["serviceAccount", ["SA", "sa_1", "-sa", "s".repeat(254), ""]],
  ["identity", ["-id", "id", "id.x", "i".repeat(129), 9]],
  ["federatedCredential", ["_f", "fc", "f.c", "f".repeat(121), ""]],
  ["tenantId", ["not-a-uuid", "72f988bf86f141af91ab2d7cd011db47", 5]],
  ["tokenExpiration", [3599, 86401, "3600", 7200.5]],
  ["namespaceExists", ["yes", 1]],
  ["secrets", ["my-secret", [], {}]],
];

const ENV_FOR: Record<string, string> = {
  location: "LOCATION",
  suffix: "RANDOM_ID",
  "resourceGroup.name": "RESOURCE_GROUP",
  "cluster.name": "CLUSTER_NAME",
  "keyVault.name": "KEYVAULT_NAME",
  "keyVault.secretName": "KEYVAULT_SECRET_NAME",
};

function section(raw: Raw, name: string): Raw {
  if (typeof raw[name] !== "object" || raw[name] === null) raw[name] = {};
  return raw[name] as Raw;
}

/** Mutations that can be made to `base`, by kind. */
function mutationsFor(base: Raw): fc.Arbitrary<Mutation> {
  const workloadCount = Array.isArray(base.workloads) ? base.workloads.length : 0;
  const leaf = fc.constantFrom(...BAD_VALUES).chain(([[sec, key], values]) =>
    fc.tuple(fc.constantFrom(...values), fc.boolean()).map(([value, viaEnv]): Mutation => {
      const path = sec ? `${sec}.${key}` : key;
      const variable = ENV_FOR[path];
      if (viaEnv && variable && typeof value === "string") {
        return { path, variable, apply: (_raw, env) => void (env[variable] = value) };
      }
      return { path, apply: (raw) => void ((sec ? section(raw, sec) : raw)[key] = value) };
    }),
  );
  const workloadLeaf = fc
    .tuple(fc.integer({ min: 0, max: Math.max(0, workloadCount - 1) }), fc.constantFrom(...BAD_WORKLOAD_VALUES))
    .chain(([i, [key, values]]) =>
      fc.constantFrom(...values).map((value): Mutation => ({
        path: `workloads[${i}].${key}`,
        apply: (raw) => void ((raw.workloads as Raw[])[i][key] = value),
      })),
    );
  const unknownKey = fc
    .constantFrom(
      ["", "keyvault"],
      ["", "workload"],
      ["", "clusterName"],
      ["cluster", "nodecount"],
      ["cluster", "oidcIssuer"],
      ["keyVault", "secret"],
      ["resourceGroup", "location"],
      ["verificationPod", "enable"],
    )
    .map(([sec, key]): Mutation => ({ path: sec ? `${sec}.${key}` : key, apply: (raw) => void ((sec ? section(raw, sec) : raw)[key] = "x") }));
  const unknownWorkloadKey = fc.constantFrom("namepsace", "serviceaccount", "identityName").map((key): Mutation => ({
    path: `workloads[0].${key}`,
    apply: (raw) => void ((raw.workloads as Raw[])[0][key] = "x"),
  }));
  const kinds: fc.Arbitrary<Mutation>[] = [leaf, unknownKey];
  if (workloadCount > 0) kinds.push(workloadLeaf, unknownWorkloadKey);
  return fc.oneof(...kinds);
}

export interface InvalidConfig {
  readonly raw: Raw;
  readonly env: Record<string, string>;
  readonly mutations: readonly Mutation[];
}

/** A valid configuration with one to three distinct things made wrong. */
export function invalidConfig(): fc.Arbitrary<InvalidConfig> {
  return validConfig().chain(({ raw }) => {
    const base: Raw = { ...raw, workloads: (raw.workloads as Raw[] | undefined) ?? [{ serviceAccount: "sa", identity: "id-sa" }] };
    return fc
      .uniqueArray(mutationsFor(base), { minLength: 1, maxLength: 3, selector: (m) => m.path })
      .map((mutations) => {
        const copy = structuredClone(base);
        const env: Record<string, string> = {};
        for (const m of mutations) m.apply(copy, env);
        return { raw: copy, env, mutations };
      });
  });
}
