import * as path from "path";
import { suppressionIdProblems } from "../policy/suppressions";
import { MAX_CREDENTIALS_PER_IDENTITY } from "../private/limits";
import { PLACEHOLDERS, RANDOM_SUFFIX_STAND_IN, renderName, unknownPlaceholders, usesSuffix } from "../private/name-template";
import { stableKey } from "../private/stable-key";
import { ConfigError, ConfigProblem, MAX_LISTED_PROBLEMS, shorten, Source } from "./errors";
import { readConfigFile } from "./read";
import { LITERAL_TEXT, RULES } from "./rules";
import { BooleanField, CONFIG_FILE_VARIABLE, ENV_OVERRIDES, Field, IntegerField, ListField, ObjectField, SCHEMA, StringField } from "./schema";
import { closestKey } from "./suggest";
import { choiceProblems } from "./cross-checks";
import { regionProblems } from "./regions";
import { AppConfig, BackendConfig, KeyVaultConfig, WorkloadConfig } from "./types";

export { closestKey } from "./suggest";
export { findDuplicateJsonKey } from "./read";

/** One resolved leaf value and where it came from. */
export interface ResolvedValue {
  readonly path: string;
  readonly value: string | number | boolean;
  readonly source: Source;
}

export interface LoadedConfig {
  readonly config: AppConfig;
  /** Every leaf of `config` in schema order, with its source. */
  readonly values: readonly ResolvedValue[];
}

export interface LoadConfigOptions {
  /** Environment to read `AKS_WI_CONFIG` and the article's variables from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * The process's working directory. A relative `AKS_WI_CONFIG` is resolved against it, or, under
   * `npm run` (which starts commands in the package's directory), against the directory npm was run in.
   * @default process.cwd()
   */
  readonly cwd?: string;
}

/**
 * Loads the configuration: the embedded default (the article), overlaid by the file named in
 * `AKS_WI_CONFIG`, overlaid by the article's environment variables; then validates all of it.
 * @throws ConfigError listing every problem found.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const file = env[CONFIG_FILE_VARIABLE];
  if (file === undefined) return resolveConfig({}, { env });
  if (file.trim() === "") {
    throw new ConfigError([
      { path: CONFIG_FILE_VARIABLE, value: file, problem: "is set but empty", fix: "name a JSON or YAML file, or unset it for the defaults" },
    ]);
  }
  const absolute = path.resolve(invocationDirectory(env, options.cwd ?? process.cwd()), file);
  let raw: unknown;
  try {
    raw = readConfigFile(absolute, file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The environment's problems too, all at once: fixing the file first would only reveal them next run.
    throw new ConfigError([...error.problems, ...environmentProblems(env)]);
  }
  return resolveConfig(raw, { env, file });
}

/**
 * Where the user ran the command. `npm run` starts it in the package's directory and says where it
 * was run in INIT_CWD; trusted only when this process is where npm put it (jest run by `npm test`,
 * say, passes INIT_CWD on to commands it starts elsewhere).
 */
export function invocationDirectory(env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  const { INIT_CWD: initCwd, npm_package_json: packageJson } = env;
  if (initCwd && packageJson && path.isAbsolute(initCwd) && path.resolve(path.dirname(packageJson)) === path.resolve(cwd)) return initCwd;
  return cwd;
}

/** What is wrong with the environment's overrides on their own, over the defaults. */
function environmentProblems(env: Readonly<Record<string, string | undefined>>): ConfigProblem[] {
  try {
    resolveConfig({}, { env });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.filter((p) => p.source?.kind === "env");
  }
}

export interface ResolveConfigOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How to name the file the raw values came from, in sources. @default - values are reported as from "inline" */
  readonly file?: string;
}

/** Applies defaults and environment overrides to `raw` and validates the result. */
export function resolveConfig(raw: unknown, options: ResolveConfigOptions = {}): LoadedConfig {
  const walker = new Walker(options.file ?? "inline");
  const input = walker.applyEnv(raw, options.env ?? {});
  walker.suffix = knownGoodSuffix(input);
  const config = walker.object(SCHEMA, input, "");
  if (config !== undefined) walker.crossCheck(config as unknown as AppConfig);
  if (walker.found > 0) throw new ConfigError(walker.problems, walker.found - walker.problems.length);
  return { config: config as unknown as AppConfig, values: walker.values };
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The fixed suffix if it is valid, so names are checked with it; otherwise names are checked with the random stand-in. */
function knownGoodSuffix(input: unknown): string | undefined {
  const suffix = isPlainObject(input) ? input.suffix : undefined;
  return typeof suffix === "string" && RULES.suffix.problem(suffix) === undefined ? suffix : undefined;
}

function joinPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return parent === "" ? key : `${parent}.${key}`;
}

/** Problems kept in full: the ones listed. The rest are counted. */
const KEPT_PROBLEMS = MAX_LISTED_PROBLEMS;
/** Longest key shown in a path: a file may hold a key of megabytes. */
const MAX_KEY_CHARS = 60;

class Walker {
  public readonly problems: ConfigProblem[] = [];
  /** Every problem found, kept or only counted. */
  public found = 0;
  public readonly values: ResolvedValue[] = [];
  public suffix: string | undefined;
  /** Sources of values that did not come from the file: environment variables and copied defaults. */
  private readonly sources = new Map<string, Source>();
  private readonly fileSource: Source;

  constructor(file: string) {
    this.fileSource = { kind: "file", file };
  }

  /** Returns a copy of `raw` with the article's environment variables written into it. */
  public applyEnv(raw: unknown, env: Readonly<Record<string, string | undefined>>): unknown {
    const input: unknown = structuredClone(raw ?? {});
    for (const { variable, path: keys } of ENV_OVERRIDES) {
      const value = env[variable];
      if (value === undefined) continue;
      let container: unknown = input;
      let at = "";
      for (const key of keys.slice(0, -1)) {
        container = this.childContainer(container, key, at);
        at = joinPath(at, key);
      }
      const last = keys[keys.length - 1];
      if (isPlainObject(container) && typeof last === "string") {
        container[last] = value;
        this.sources.set(joinPath(at, last), { kind: "env", variable });
      }
    }
    return input;
  }

  /** The object or list at `key` under `container`, created from defaults when absent; undefined if not a container. */
  private childContainer(container: unknown, key: string | number, at: string): unknown {
    const childPath = joinPath(at, key);
    if (typeof key === "number") {
      if (!Array.isArray(container)) return undefined;
      // Only the default list, or an entry the user wrote, takes an override; an empty list written
      // in the file stays empty so that its error is reported rather than hidden.
      if (container[key] === undefined) return undefined;
      return container[key];
    }
    if (!isPlainObject(container)) return undefined;
    if (container[key] === undefined) {
      const spec = SCHEMA.fields[key];
      if (spec?.kind === "list") {
        container[key] = structuredClone(spec.default);
        this.markDefaults(container[key], childPath);
      } else {
        container[key] = {};
      }
    }
    return container[key];
  }

  private markDefaults(value: unknown, at: string): void {
    if (Array.isArray(value)) value.forEach((item, i) => this.markDefaults(item, joinPath(at, i)));
    else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) this.markDefaults(v, joinPath(at, k));
    else this.sources.set(at, { kind: "default" });
  }

  private report(problem: ConfigProblem): void {
    this.found++;
    if (this.problems.length >= KEPT_PROBLEMS) return;
    const source = this.sources.get(problem.path);
    this.problems.push(source && source.kind !== "default" ? { ...problem, source } : problem);
  }

  private sourceOf(at: string): Source {
    return this.sources.get(at) ?? this.fileSource;
  }

  public object(spec: ObjectField, raw: unknown, at: string, fromDefault = false): Record<string, unknown> | undefined {
    if (raw !== undefined && !isPlainObject(raw)) {
      this.report({ path: at || "(root)", value: raw, problem: `must be an object, not ${describeType(raw)}`, fix: "write it as a map of keys" });
      return undefined;
    }
    if (raw === undefined && spec.optional) return undefined;
    const given = raw ?? {};
    const known = Object.keys(spec.fields);
    for (const key of Object.keys(given)) {
      if (Object.hasOwn(spec.fields, key)) continue;
      // Past the problems kept, an unknown key is only counted: no suggestion to compute.
      const suggestion = this.problems.length < KEPT_PROBLEMS ? closestKey(key, known) : undefined;
      this.report({
        path: joinPath(at, shorten(key, MAX_KEY_CHARS)),
        problem: "is not a known key",
        fix: suggestion ? `did you mean \`${suggestion}\`?` : `remove it; known keys here: ${known.join(", ")}`,
      });
    }
    const result: Record<string, unknown> = {};
    const derived: Array<[string, StringField]> = [];
    for (const [key, field] of Object.entries(spec.fields)) {
      if (field.kind === "string" && field.derive && given[key] === undefined) {
        derived.push([key, field]);
        continue;
      }
      const value = this.field(field, given[key], joinPath(at, key), fromDefault);
      if (value !== undefined) result[key] = value;
    }
    for (const [key, field] of derived) {
      const childPath = joinPath(at, key);
      // A sibling it needs is invalid and reported already; deriving from it would only repeat that.
      if ((field.needs ?? []).some((sibling) => result[sibling] === undefined)) continue;
      const value = field.derive!({ siblings: result, suffix: this.suffix });
      const from = field.derivedFrom ?? "other keys";
      const reported = this.problems.length;
      const checked = this.checkString(field, value, childPath, { kind: "derived", from });
      if (checked !== undefined) result[key] = checked;
      // The user never wrote this value: say where it came from and that they can set it.
      for (let i = reported; i < this.problems.length; i++) {
        const p = this.problems[i];
        this.problems[i] = { ...p, problem: `${p.problem}, as derived from ${from}`, fix: `set ${childPath} explicitly, or shorten what it is derived from; ${p.fix}` };
      }
    }
    return result;
  }

  private field(field: Field, raw: unknown, at: string, fromDefault: boolean): unknown {
    switch (field.kind) {
      case "object":
        return this.object(field, raw, at, fromDefault);
      case "list":
        return this.list(field, raw, at);
      case "string":
        return this.string(field, raw, at, fromDefault);
      case "integer":
        return this.integer(field, raw, at, fromDefault);
      case "boolean":
        return this.boolean(field, raw, at, fromDefault);
    }
  }

  private list(field: ListField, raw: unknown, at: string): unknown[] | undefined {
    const item = (value: unknown, i: number, fromDefault = false) =>
      field.item.kind === "object" ? this.object(field.item, value, joinPath(at, i), fromDefault) : this.string(field.item, value, joinPath(at, i), fromDefault);
    if (raw === undefined) {
      return field.default?.map((value, i) => item(value, i, true));
    }
    if (!Array.isArray(raw)) {
      const of = field.item.kind === "object" ? "objects" : "strings";
      this.report({ path: at, value: raw, problem: `must be a list, not ${describeType(raw)}`, fix: `write it as a list of ${of}` });
      return undefined;
    }
    if (raw.length < field.minItems || raw.length > field.maxItems) {
      this.report({
        path: at,
        problem: `has ${raw.length} entries; it must have ${field.minItems}-${field.maxItems}`,
        fix: raw.length < field.minItems ? "add an entry, or remove the key for the default" : "split the configuration",
      });
      return undefined;
    }
    return raw.map((value, i) => item(value, i));
  }

  private leafSource(at: string, fromDefault: boolean): Source {
    return fromDefault ? { kind: "default" } : this.sourceOf(at);
  }

  private string(field: StringField, raw: unknown, at: string, fromDefault: boolean): string | undefined {
    if (raw === undefined) {
      if (field.default !== undefined) return this.checkString(field, field.default, at, { kind: "default" });
      if (field.required) {
        this.report({ path: at, problem: "is required", fix: `add it: ${field.doc}` });
      }
      return undefined;
    }
    if (typeof raw !== "string") {
      this.report({ path: at, value: raw, problem: `must be a string, not ${describeType(raw)}`, fix: "quote the value" });
      return undefined;
    }
    return this.checkString(field, raw, at, this.leafSource(at, fromDefault));
  }

  private checkString(field: StringField, given: string, at: string, source: Source): string | undefined {
    const value = field.normalise ? field.normalise(given) : given;
    const problemCount = this.found;
    if (value.trim() === "") {
      const forDefault = source.kind === "env" ? "unset the variable for the default" : "remove the key for the default";
      this.report({ path: at, value: given, problem: "is empty", fix: field.default !== undefined ? `${forDefault}, or give a value` : "give a value" });
      return undefined;
    }
    // The value as given, and as normalised (which removes spaces: "$ {" would become "${").
    const expression = LITERAL_TEXT.problem(given) ?? LITERAL_TEXT.problem(value);
    const unknown = field.template ? unknownPlaceholders(value) : [];
    if (expression) {
      // Checked first, for every string: the naming rules below do not all exclude these sequences.
      this.report({ path: at, value: given, problem: expression, fix: LITERAL_TEXT.fix, rule: LITERAL_TEXT.rule });
    } else if (unknown.length > 0) {
      this.report({
        path: at,
        value: given,
        problem: `uses unknown placeholder${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `{${u}}`).join(", ")}`,
        fix: `use only ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`,
      });
    } else if (field.oneOf && !field.oneOf.includes(value)) {
      this.report({ path: at, value: given, problem: `is not one of ${field.oneOf.join(", ")}`, fix: `use one of ${field.oneOf.join(", ")}` });
    } else if (field.rule) {
      const rule = RULES[field.rule];
      const expanded = field.template ? renderName(value, this.suffix ?? RANDOM_SUFFIX_STAND_IN) : value;
      const problem = rule.problem(expanded);
      if (problem) {
        const counted =
          field.template && value !== expanded
            ? ` (counting {suffix} as ${this.suffix === undefined ? `${RANDOM_SUFFIX_STAND_IN.length} random hex characters` : `"${this.suffix}"`})`
            : "";
        this.report({ path: at, value: given, problem: `${problem}${counted}`, fix: rule.fix, rule: rule.rule });
      }
    }
    if (this.found > problemCount) return undefined;
    this.values.push({ path: at, value, source });
    return value;
  }

  private integer(field: IntegerField, raw: unknown, at: string, fromDefault: boolean): number | undefined {
    if (raw === undefined && field.default === undefined) return undefined;
    const value = raw === undefined ? field.default : raw;
    if (typeof value !== "number" || !Number.isInteger(value)) {
      this.report({ path: at, value: raw, problem: `must be a whole number, not ${describeType(raw)}`, fix: `give a whole number from ${field.min} to ${field.max}` });
      return undefined;
    }
    if (value < field.min || value > field.max) {
      this.report({ path: at, value: raw, problem: `is outside ${field.min}-${field.max}`, fix: `give a whole number from ${field.min} to ${field.max}` });
      return undefined;
    }
    this.values.push({ path: at, value, source: raw === undefined ? { kind: "default" } : this.leafSource(at, fromDefault) });
    return value;
  }

  private boolean(field: BooleanField, raw: unknown, at: string, fromDefault: boolean): boolean | undefined {
    const value = raw === undefined ? field.default : raw;
    if (typeof value !== "boolean") {
      this.report({ path: at, value: raw, problem: `must be true or false, not ${describeType(raw)}`, fix: "write true or false without quotes" });
      return undefined;
    }
    if (field.mustBe && value !== field.mustBe.value) {
      this.report({ path: at, value: raw, problem: `cannot be ${value}: ${field.mustBe.reason}`, fix: field.mustBe.fix });
      return undefined;
    }
    this.values.push({ path: at, value, source: raw === undefined ? { kind: "default" } : this.leafSource(at, fromDefault) });
    return value;
  }

  /** Rules that span keys. Each runs only on values that passed their own rules. */
  public crossCheck(config: AppConfig): void {
    if (Array.isArray(config.workloads)) {
      this.checkServiceAccounts(config.workloads);
      this.checkIdentities(config.workloads);
      if (config.keyVault) this.checkSecretGrants(config.workloads, config.keyVault, config.verificationPod?.enabled === true);
    }
    if (config.keyVault) this.checkVaultSecrets(config.keyVault);
    this.checkExisting(config);
    this.checkBackend(config.backend);
    if (Array.isArray(config.policy?.suppressions)) suppressionIdProblems(config.policy.suppressions).forEach((p) => this.report(p));
    [...regionProblems(config, closestKey), ...choiceProblems(config)].forEach((p) => this.report(p));
    if (config.cluster?.workloadIdentityEnabled === false && config.verificationPod?.enabled === true) {
      this.report({
        path: "verificationPod.enabled",
        value: true,
        problem: "cannot be true while cluster.workloadIdentityEnabled is false: without the webhook the pod gets no token",
        fix: "set verificationPod.enabled to false as well",
      });
    }
  }

  /** The name Azure or Kubernetes will see; with a random suffix, the template, which is as unique. */
  private expand(template: string): string {
    return this.suffix === undefined ? template : renderName(template, this.suffix);
  }

  private checkServiceAccounts(workloads: readonly WorkloadConfig[]): void {
    const first = new Map<string, number>();
    workloads.forEach((w, i) => {
      if (!w || w.serviceAccount === undefined || w.namespace === undefined) return;
      const claim = `${this.expand(w.namespace)}/${this.expand(w.serviceAccount)}`;
      const earlier = first.get(claim);
      if (earlier === undefined) first.set(claim, i);
      else {
        this.report({
          path: `workloads[${i}].serviceAccount`,
          value: w.serviceAccount,
          problem: `duplicates workloads[${earlier}].serviceAccount in namespace ${w.namespace}: a service account carries one identity, and Entra rejects a second credential with the same issuer and subject`,
          fix: "bind each service account once; change its name or namespace",
        });
      }
    });
  }

  /** Workloads naming one identity share it: one spelling, at most 20 credentials, distinct credential names. */
  private checkIdentities(workloads: readonly WorkloadConfig[]): void {
    const groups = new Map<string, number[]>();
    workloads.forEach((w, i) => {
      if (!w || w.identity === undefined) return;
      // Grouped as the stack groups them: by the name Azure sees, case folded (stable-key.ts).
      const key = stableKey(w.identity, this.suffix);
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    for (const members of groups.values()) {
      const [first] = members;
      const spelling = workloads[first].identity;
      const names = new Map<string, number>();
      members.forEach((i, n) => {
        const w = workloads[i];
        if (w.identity !== spelling) {
          this.report({
            path: `workloads[${i}].identity`,
            value: w.identity,
            problem: `names the identity of workloads[${first}] (${JSON.stringify(spelling)}) spelled differently`,
            fix: `spell it ${JSON.stringify(spelling)} in every workload that shares it, or choose a distinct name`,
          });
        }
        if (n === MAX_CREDENTIALS_PER_IDENTITY) {
          const list = members.map((m) => `workloads[${m}]`).join(", ");
          this.report({
            path: `workloads[${i}].identity`,
            value: w.identity,
            problem: `would give identity ${JSON.stringify(spelling)} federated credential number ${n + 1}; Entra ID allows ${MAX_CREDENTIALS_PER_IDENTITY} per identity (it is shared by ${list})`,
            fix: "give some of these workloads another identity",
          });
        }
        if (w.federatedCredential === undefined) return;
        const fic = this.expand(w.federatedCredential).toLowerCase();
        const earlier = names.get(fic);
        if (earlier === undefined) names.set(fic, i);
        else {
          this.report({
            path: `workloads[${i}].federatedCredential`,
            value: w.federatedCredential,
            problem: `duplicates workloads[${earlier}].federatedCredential on the identity they share`,
            fix: "give each credential of an identity its own name, or remove the key to derive one",
          });
        }
      });
    }
  }

  private vaultSecretNames(vault: KeyVaultConfig): string[] {
    // Key Vault secret names ignore case.
    return [vault.secretName, ...(vault.additionalSecrets ?? [])].filter((n): n is string => n !== undefined).map((n) => this.expand(n).toLowerCase());
  }

  private checkVaultSecrets(vault: KeyVaultConfig): void {
    const seen = new Set<string>(vault.secretName === undefined ? [] : [this.expand(vault.secretName).toLowerCase()]);
    (vault.additionalSecrets ?? []).forEach((name, i) => {
      // An entry that broke its own rule is reported already and left undefined.
      if (name === undefined) return;
      const key = this.expand(name).toLowerCase();
      if (seen.has(key)) {
        this.report({ path: `keyVault.additionalSecrets[${i}]`, value: name, problem: "names a secret listed already", fix: "list each secret once" });
      }
      seen.add(key);
    });
  }

  private checkSecretGrants(workloads: readonly WorkloadConfig[], vault: KeyVaultConfig, podEnabled: boolean): void {
    const known = this.vaultSecretNames(vault);
    workloads.forEach((w, i) => {
      w?.secrets?.forEach((name, j) => {
        if (name === undefined || known.includes(this.expand(name).toLowerCase())) return;
        this.report({
          path: `workloads[${i}].secrets[${j}]`,
          value: name,
          problem: "is not a secret of the vault",
          fix: `use keyVault.secretName or add it to keyVault.additionalSecrets (the vault holds ${known.join(", ")})`,
        });
      });
    });
    const verified = workloads[0];
    const primary = vault.secretName === undefined ? undefined : this.expand(vault.secretName).toLowerCase();
    if (podEnabled && verified?.secrets && primary !== undefined && !verified.secrets.some((n) => n !== undefined && this.expand(n).toLowerCase() === primary)) {
      this.report({
        path: "workloads[0].secrets",
        value: verified.secrets,
        problem: `leaves out keyVault.secretName (${vault.secretName}), which the verification pod reads as this workload`,
        fix: "add it to the list, or set verificationPod.enabled to false",
      });
    }
  }

  /** The chosen backend has its settings, and only its. */
  private checkBackend(backend: BackendConfig | undefined): void {
    if (!backend || backend.type === undefined) return;
    for (const section of ["azurerm", "cloud"] as const) {
      if (backend.type === section && backend[section] === undefined) {
        const needs = section === "azurerm" ? "resourceGroupName and storageAccountName" : "organization and workspace";
        this.report({ path: `backend.${section}`, problem: `is required with backend.type ${section}`, fix: `add it with ${needs}` });
      }
    }
    for (const section of ["azurerm", "cloud", "pg"] as const) {
      if (backend.type !== section && backend[section] !== undefined) {
        this.report({ path: `backend.${section}`, problem: `applies only to backend.type ${section}, not ${backend.type}`, fix: `remove it, or set backend.type to ${section}` });
      }
    }
  }

  /** Existing and adopted resources are found by name, so their names must be known before apply. */
  private checkExisting(config: AppConfig): void {
    const { resourceGroup, cluster, keyVault } = config;
    const lookedUp: Array<[string, string | undefined, boolean]> = [
      ["resourceGroup.name", resourceGroup?.name, resourceGroup?.existing === true],
      ["cluster.name", cluster?.name, cluster?.existing === true || cluster?.importId !== undefined],
      ["cluster.resourceGroup", cluster?.resourceGroup, true],
      ["keyVault.name", keyVault?.name, keyVault?.existing === true],
      ["keyVault.resourceGroup", keyVault?.resourceGroup, true],
    ];
    for (const [at, name, lookup] of lookedUp) {
      if (!lookup || name === undefined || this.suffix !== undefined || !usesSuffix(name)) continue;
      this.report({
        path: at,
        value: name,
        problem: "names an existing resource with a random {suffix}, which is known only after apply",
        fix: "write the resource's actual name, or fix the suffix with `suffix` (or RANDOM_ID)",
      });
    }
    // Looked up in the stack's own group: that group must exist too, or the lookup happens in a group
    // this stack is about to create (whose name may not be known until apply).
    for (const [at, looked, ownGroup] of [
      ["cluster.existing", cluster?.existing === true || cluster?.importId !== undefined, cluster?.resourceGroup],
      ["keyVault.existing", keyVault?.existing === true, keyVault?.resourceGroup],
    ] as const) {
      if (!looked || ownGroup !== undefined || resourceGroup?.existing === true) continue;
      const what = at.split(".")[0] === "cluster" ? "cluster" : "vault";
      this.report({
        path: at.startsWith("cluster") && cluster?.importId !== undefined && !cluster.existing ? "cluster.importId" : at,
        problem: `finds the ${what} in resourceGroup.name, a group this stack creates, so no existing ${what} can be in it`,
        fix: `set ${at.split(".")[0]}.resourceGroup to the ${what}'s resource group, or resourceGroup.existing to true`,
      });
    }
    if (cluster?.existing && cluster.importId !== undefined) {
      this.report({ path: "cluster.importId", value: cluster.importId, problem: "cannot be combined with cluster.existing: a cluster is either adopted or only looked up", fix: "remove one of the two" });
    }
    if (cluster?.resourceGroup !== undefined && !cluster.existing && cluster.importId === undefined) {
      this.report({ path: "cluster.resourceGroup", value: cluster.resourceGroup, problem: "applies only to an existing or adopted cluster", fix: "remove it, or set cluster.existing or cluster.importId" });
    }
    if (keyVault?.resourceGroup !== undefined && !keyVault.existing) {
      this.report({ path: "keyVault.resourceGroup", value: keyVault.resourceGroup, problem: "applies only to an existing vault", fix: "remove it, or set keyVault.existing" });
    }
    if (cluster?.importId !== undefined && cluster.name !== undefined && resourceGroup?.name !== undefined) {
      const [, group, name] = /resourceGroups\/([^/]+)\/.*managedClusters\/([^/]+)$/i.exec(cluster.importId) ?? [];
      const expected = { group: this.expand(cluster.resourceGroup ?? resourceGroup.name), name: this.expand(cluster.name) };
      if (group?.toLowerCase() !== expected.group.toLowerCase() || name?.toLowerCase() !== expected.name.toLowerCase()) {
        this.report({
          path: "cluster.importId",
          value: cluster.importId,
          problem: `names cluster ${name} in group ${group}, but the configuration describes ${expected.name} in ${expected.group}; importing it would plan its replacement`,
          fix: "set cluster.name (and cluster.resourceGroup) to the adopted cluster's",
        });
      }
    }
  }

}
