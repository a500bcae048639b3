import { suppressionIdProblems } from "../policy/suppressions";
import { MAX_CREDENTIALS_PER_IDENTITY } from "../private/limits";
import { usesSuffix } from "../private/name-template";
import { stableKey } from "../private/stable-key";
import { ConfigProblem } from "./errors";
import type { ObjectField, Unchecked } from "./fields";
import { isPlainObject, joinPath } from "./paths";
import { regionProblems } from "./regions";
import { SCHEMA } from "./schema";
import { closestKey } from "./suggest";
import { knownName } from "./templates";
import type { AppConfig, KeyVaultConfig, WorkloadConfig } from "./types";

/**
 * Rules that span keys. Each runs only on values that passed their own rules: a value that broke
 * one was reported and is missing here, hence `Unchecked`.
 * @param suffix the fixed suffix when it is valid, or undefined when it is random (or invalid)
 * @returns the problems, in the order they are reported
 */
export function crossFieldProblems(config: Unchecked<AppConfig>, suffix: string | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const expand = (template: string) => knownName(template, suffix);
  if (Array.isArray(config.workloads)) {
    problems.push(...serviceAccountProblems(config.workloads, expand));
    problems.push(...identityProblems(config.workloads, suffix, expand));
    if (config.keyVault) problems.push(...secretGrantProblems(config.workloads, config.keyVault, config.verificationPod?.enabled === true, expand));
  }
  if (config.keyVault) problems.push(...vaultSecretProblems(config.keyVault, expand));
  problems.push(...existingProblems(config, suffix, expand));
  problems.push(...variantProblems(SCHEMA.fields.backend, config.backend, "backend"));
  if (Array.isArray(config.policy?.suppressions)) problems.push(...suppressionIdProblems(config.policy.suppressions));
  problems.push(...regionProblems(config, closestKey), ...choiceProblems(config));
  if (config.cluster?.workloadIdentityEnabled === false && config.verificationPod?.enabled === true) {
    problems.push({
      path: "verificationPod.enabled",
      value: true,
      problem: "cannot be true while cluster.workloadIdentityEnabled is false: without the webhook the pod gets no token",
      fix: "set verificationPod.enabled to false as well",
    });
  }
  return problems;
}

type Expand = (template: string) => string;
type Workloads = Unchecked<readonly WorkloadConfig[]>;

function serviceAccountProblems(workloads: Workloads, expand: Expand): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const first = new Map<string, number>();
  workloads.forEach((w, i) => {
    if (!w || w.serviceAccount === undefined || w.namespace === undefined) return;
    const claim = `${expand(w.namespace)}/${expand(w.serviceAccount)}`;
    const earlier = first.get(claim);
    if (earlier === undefined) first.set(claim, i);
    else {
      problems.push({
        path: `workloads[${i}].serviceAccount`,
        value: w.serviceAccount,
        problem: `duplicates workloads[${earlier}].serviceAccount in namespace ${w.namespace}: a service account carries one identity, and Entra rejects a second credential with the same issuer and subject`,
        fix: "bind each service account once; change its name or namespace",
      });
    }
  });
  return problems;
}

/** Workloads naming one identity share it: one spelling, at most 20 credentials, distinct credential names. */
function identityProblems(workloads: Workloads, suffix: string | undefined, expand: Expand): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const groups = new Map<string, number[]>();
  workloads.forEach((w, i) => {
    if (!w || w.identity === undefined) return;
    // Grouped as the stack groups them: by the name Azure sees, case folded (stable-key.ts).
    const key = stableKey(w.identity, suffix);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  for (const members of groups.values()) {
    const [first] = members;
    const spelling = workloads[first]!.identity;
    const names = new Map<string, number>();
    members.forEach((i, n) => {
      const w = workloads[i]!;
      if (w.identity !== spelling) {
        problems.push({
          path: `workloads[${i}].identity`,
          value: w.identity,
          problem: `names the identity of workloads[${first}] (${JSON.stringify(spelling)}) spelled differently`,
          fix: `spell it ${JSON.stringify(spelling)} in every workload that shares it, or choose a distinct name`,
        });
      }
      if (n === MAX_CREDENTIALS_PER_IDENTITY) {
        const list = members.map((m) => `workloads[${m}]`).join(", ");
        problems.push({
          path: `workloads[${i}].identity`,
          value: w.identity,
          problem: `would give identity ${JSON.stringify(spelling)} federated credential number ${n + 1}; Entra ID allows ${MAX_CREDENTIALS_PER_IDENTITY} per identity (it is shared by ${list})`,
          fix: "give some of these workloads another identity",
        });
      }
      if (w.federatedCredential === undefined) return;
      const fic = expand(w.federatedCredential).toLowerCase();
      const earlier = names.get(fic);
      if (earlier === undefined) names.set(fic, i);
      else {
        problems.push({
          path: `workloads[${i}].federatedCredential`,
          value: w.federatedCredential,
          problem: `duplicates workloads[${earlier}].federatedCredential on the identity they share`,
          fix: "give each credential of an identity its own name, or remove the key to derive one",
        });
      }
    });
  }
  return problems;
}

function vaultSecretNames(vault: Unchecked<KeyVaultConfig>, expand: Expand): string[] {
  // Key Vault secret names ignore case.
  return [vault.secretName, ...(vault.additionalSecrets ?? [])].filter((n): n is string => n !== undefined).map((n) => expand(n).toLowerCase());
}

function vaultSecretProblems(vault: Unchecked<KeyVaultConfig>, expand: Expand): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>(vault.secretName === undefined ? [] : [expand(vault.secretName).toLowerCase()]);
  (vault.additionalSecrets ?? []).forEach((name, i) => {
    // An entry that broke its own rule is reported already and left undefined.
    if (name === undefined) return;
    const key = expand(name).toLowerCase();
    if (seen.has(key)) {
      problems.push({ path: `keyVault.additionalSecrets[${i}]`, value: name, problem: "names a secret listed already", fix: "list each secret once" });
    }
    seen.add(key);
  });
  return problems;
}

function secretGrantProblems(workloads: Workloads, vault: Unchecked<KeyVaultConfig>, podEnabled: boolean, expand: Expand): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const known = vaultSecretNames(vault, expand);
  workloads.forEach((w, i) => {
    w?.secrets?.forEach((name, j) => {
      if (name === undefined || known.includes(expand(name).toLowerCase())) return;
      problems.push({
        path: `workloads[${i}].secrets[${j}]`,
        value: name,
        problem: "is not a secret of the vault",
        fix: `use keyVault.secretName or add it to keyVault.additionalSecrets (the vault holds ${known.join(", ")})`,
      });
    });
  });
  const verified = workloads[0];
  const primary = vault.secretName === undefined ? undefined : expand(vault.secretName).toLowerCase();
  if (podEnabled && verified?.secrets && primary !== undefined && !verified.secrets.some((n) => n !== undefined && expand(n).toLowerCase() === primary)) {
    problems.push({
      path: "workloads[0].secrets",
      value: verified.secrets,
      problem: `leaves out keyVault.secretName (${vault.secretName}), which the verification pod reads as this workload`,
      fix: "add it to the list, or set verificationPod.enabled to false",
    });
  }
  return problems;
}

/**
 * An object of variants (schema.ts `variants`, e.g. the backend) has the section its tag requires,
 * and no section of another tag.
 */
export function variantProblems(spec: ObjectField, value: unknown, at: string): ConfigProblem[] {
  const { variants } = spec;
  if (!variants || !isPlainObject(value)) return [];
  const tag = value[variants.tag];
  if (typeof tag !== "string") return [];
  const tagPath = joinPath(at, variants.tag);
  const problems: ConfigProblem[] = [];
  for (const [section, need] of Object.entries(variants.sections)) {
    if (tag === section && need === "required" && value[section] === undefined) {
      const sectionSpec = spec.fields[section];
      const required = sectionSpec?.kind === "object" ? Object.entries(sectionSpec.fields).filter(([, f]) => f.kind === "string" && f.required).map(([k]) => k) : [];
      problems.push({ path: joinPath(at, section), problem: `is required with ${tagPath} ${section}`, fix: `add it with ${required.join(" and ")}` });
    }
  }
  for (const section of Object.keys(variants.sections)) {
    if (tag !== section && value[section] !== undefined) {
      problems.push({ path: joinPath(at, section), problem: `applies only to ${tagPath} ${section}, not ${tag}`, fix: `remove it, or set ${tagPath} to ${section}` });
    }
  }
  return problems;
}

/** Existing and adopted resources are found by name, so their names must be known before apply. */
function existingProblems(config: Unchecked<AppConfig>, suffix: string | undefined, expand: Expand): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { resourceGroup, cluster, keyVault } = config;
  const lookedUp: Array<[string, string | undefined, boolean]> = [
    ["resourceGroup.name", resourceGroup?.name, resourceGroup?.existing === true],
    ["cluster.name", cluster?.name, cluster?.existing === true || cluster?.importId !== undefined],
    ["cluster.resourceGroup", cluster?.resourceGroup, true],
    ["keyVault.name", keyVault?.name, keyVault?.existing === true],
    ["keyVault.resourceGroup", keyVault?.resourceGroup, true],
  ];
  for (const [at, name, lookup] of lookedUp) {
    if (!lookup || name === undefined || suffix !== undefined || !usesSuffix(name)) continue;
    problems.push({
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
    problems.push({
      path: at.startsWith("cluster") && cluster?.importId !== undefined && !cluster.existing ? "cluster.importId" : at,
      problem: `finds the ${what} in resourceGroup.name, a group this stack creates, so no existing ${what} can be in it`,
      fix: `set ${at.split(".")[0]}.resourceGroup to the ${what}'s resource group, or resourceGroup.existing to true`,
    });
  }
  if (cluster?.existing && cluster.importId !== undefined) {
    problems.push({ path: "cluster.importId", value: cluster.importId, problem: "cannot be combined with cluster.existing: a cluster is either adopted or only looked up", fix: "remove one of the two" });
  }
  if (cluster?.resourceGroup !== undefined && !cluster.existing && cluster.importId === undefined) {
    problems.push({ path: "cluster.resourceGroup", value: cluster.resourceGroup, problem: "applies only to an existing or adopted cluster", fix: "remove it, or set cluster.existing or cluster.importId" });
  }
  if (keyVault?.resourceGroup !== undefined && !keyVault.existing) {
    problems.push({ path: "keyVault.resourceGroup", value: keyVault.resourceGroup, problem: "applies only to an existing vault", fix: "remove it, or set keyVault.existing" });
  }
  if (cluster?.importId !== undefined && cluster.name !== undefined && resourceGroup?.name !== undefined) {
    const [, group, name] = /resourceGroups\/([^/]+)\/.*managedClusters\/([^/]+)$/i.exec(cluster.importId) ?? [];
    const expected = { group: expand(cluster.resourceGroup ?? resourceGroup.name), name: expand(cluster.name) };
    if (group?.toLowerCase() !== expected.group.toLowerCase() || name?.toLowerCase() !== expected.name.toLowerCase()) {
      problems.push({
        path: "cluster.importId",
        value: cluster.importId,
        problem: `names cluster ${name} in group ${group}, but the configuration describes ${expected.name} in ${expected.group}; importing it would plan its replacement`,
        fix: "set cluster.name (and cluster.resourceGroup) to the adopted cluster's",
      });
    }
  }
  return problems;
}

/** Switches that mean something only together with another key. */
export function choiceProblems(config: Unchecked<AppConfig>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { keyVault, cluster } = config;
  if (keyVault?.assignOfficerRole === false && keyVault.existing !== true) {
    problems.push({
      path: "keyVault.assignOfficerRole",
      value: false,
      problem: "can be false only for an existing vault: a vault this stack creates has no role assignments, and writing its secrets needs Key Vault Secrets Officer",
      fix: "remove the key, or set keyVault.existing to true for a vault where you hold the role",
    });
  }
  if (cluster?.linuxProfile !== undefined && cluster.existing === true) {
    problems.push({
      path: "cluster.linuxProfile",
      problem: "applies only to a cluster this stack creates or adopts, not to one it looks up (cluster.existing)",
      fix: "remove it, or adopt the cluster with cluster.importId instead",
    });
  }
  return problems;
}
