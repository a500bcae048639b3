/**
 * A fingerprint of what a Terraform plan would change, for the deploy job to check that the plan it
 * is about to apply is the one the approvers reviewed. Two plans made in different jobs (one
 * without the secret, one with it) must agree when they change the same things, so the fingerprint
 * never depends on a sensitive value, and never reveals one: a hash published in a job's output of
 * a short secret could be reversed by guessing.
 */
import { createHash } from "crypto";
import { isObject } from "../terraform-json/json";
import { checkPlan as checkPlanShape, hasTrue, NEVER_READ, own, PlanFormatError, PlanResourceChange } from "../terraform-json/plan";

/**
 * Hashed first, so that a future change of the canonical form gives new fingerprints instead of
 * accidental matches with old ones.
 */
export const FINGERPRINT_SCHEME = "aks-workload-identity plan fingerprint v2";

/** Written in place of a sensitive value (or a never-read attribute) in the canonical form. */
export const SENSITIVE_MARKER = "<sensitive>";
/** Written in place of a value known only after apply. */
export const UNKNOWN_MARKER = "<known-after-apply>";

/** The SHA-256 (64 lowercase hex digits) of `canonicalChanges(plan)`; throws `PlanFormatError` when it is not a plan. */
export function planFingerprint(plan: unknown): string {
  return createHash("sha256").update(`${FINGERPRINT_SCHEME}\n${canonicalChanges(plan)}`, "utf8").digest("hex");
}

/**
 * What the fingerprint hashes: every resource change that does something (no-ops are left out:
 * they apply nothing, and a refreshing plan and one that does not refresh differ in them only
 * through refreshed values; but a no-op that imports or moves an object changes the state, so it
 * stays), sorted by address, each with its address, deposed key, previous
 * address, import id, provider, actions, action_reason, replace_paths, and its before and after
 * values with every sensitive value and every unknown replaced by a marker. Keys are sorted; a
 * marker is a bare token, not a JSON string, so no real value can be taken for one.
 */
export function canonicalChanges(plan: unknown): string {
  const changes = checkPlan(plan)
    .filter((rc) => !(rc.change.actions.length === 1 && rc.change.actions[0] === "no-op") || importOf(rc) !== undefined || rc.previous_address !== undefined)
    .map((rc) => {
      const { change } = rc;
      const entry: Record<string, unknown> = {
        address: rc.address,
        actions: change.actions,
        before: hideAttributes(mask(change.before ?? null, change.before_sensitive, undefined)),
        after: hideAttributes(mask(change.after ?? null, change.after_sensitive, change.after_unknown)),
      };
      if (rc.deposed !== undefined) entry.deposed = rc.deposed;
      if (rc.previous_address !== undefined) entry.previous_address = rc.previous_address;
      if (importOf(rc) !== undefined) entry.importing = importOf(rc);
      if (rc.provider_name !== undefined) entry.provider_name = rc.provider_name;
      if (rc.action_reason !== undefined) entry.action_reason = rc.action_reason;
      if (change.replace_paths !== undefined) entry.replace_paths = change.replace_paths;
      return entry;
    });
  const key = (entry: Record<string, unknown>) => `${entry.address}\u0000${entry.deposed ?? ""}`;
  changes.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return serialize(changes);
}

/**
 * A resource change as the review reads it, plus what the fingerprint also keeps: the provider, and an
 * import written beside the change (where no Terraform writes it, but a hand-made plan might).
 */
type Change = PlanResourceChange & { readonly provider_name?: string; readonly importing?: unknown };

function importOf(rc: Change): unknown {
  return rc.change.importing ?? rc.importing;
}

/** Same messages as the review's, so the CLI reports a wrong file the same way in both modes. */
function checkPlan(plan: unknown): readonly Change[] {
  if (!isObject(plan) || typeof plan.format_version !== "string") {
    throw new PlanFormatError("not Terraform JSON output: expected an object with format_version (run `terraform show -json <planfile>`)");
  }
  const changes = plan.resource_changes;
  if (changes === undefined && !("planned_values" in plan)) {
    throw new PlanFormatError("not a plan (no resource_changes or planned_values): run `terraform show -json <planfile>`, not on the state");
  }
  if (changes !== undefined && !Array.isArray(changes)) throw new PlanFormatError("not a valid plan: resource_changes is not a list");
  (changes ?? []).forEach((rc: unknown, i: number) => {
    const change = isObject(rc) ? rc.change : undefined;
    const ok =
      isObject(rc) &&
      typeof rc.address === "string" &&
      isObject(change) &&
      Array.isArray(change.actions) &&
      change.actions.every((a: unknown) => typeof a === "string");
    if (!ok) throw new PlanFormatError(`not a valid plan: resource_changes[${i}] lacks address or change.actions`);
  });
  // Then everything the review checks too, so that no shape (a value nested too deep for the
  // recursion below, a format of another major version) gets further than a one-line error.
  checkPlanShape(plan);
  return (changes ?? []) as readonly Change[];
}

const SENSITIVE = Symbol("sensitive");
const UNKNOWN = Symbol("unknown");
type Canonical = null | boolean | number | string | typeof SENSITIVE | typeof UNKNOWN | Canonical[] | { [key: string]: Canonical };

/**
 * `value` with markers where `sensitive` or `unknown` (Terraform's shapes of the value, `true` at
 * the parts that are sensitive or unknown, or `true` for all of it) say so. Unknown wins: that a
 * value will be recomputed reveals nothing of it. A sensitive part is replaced whatever it holds,
 * null included, so not even its presence shows.
 */
function mask(value: unknown, sensitive: unknown, unknown: unknown): Canonical {
  if (unknown === true) return UNKNOWN;
  if (sensitive === true) return SENSITIVE;
  if (Array.isArray(value)) {
    return value.map((item, i) => mask(item, own(sensitive, i), own(unknown, i)));
  }
  if (isObject(value)) {
    // An unknown attribute may be missing from `after` rather than null: take the keys of all three.
    const keys = new Set([...Object.keys(value), ...markedKeys(sensitive), ...markedKeys(unknown)]);
    // No prototype: a plan's key `__proto__` must be a key like any other, not reset the prototype
    // (an attack gave two plans differing only in such a key the same fingerprint).
    const result: { [key: string]: Canonical } = Object.create(null);
    for (const key of keys) result[key] = mask(own(value, key) ?? null, own(sensitive, key), own(unknown, key));
    return result;
  }
  if (value === null || value === undefined) {
    // Absent, yet marked in part (a block the plan leaves out): the marks give its shape.
    const shape = hasTrue(unknown) ? unknown : hasTrue(sensitive) ? sensitive : undefined;
    if (Array.isArray(shape)) return shape.map((_, i) => mask(null, own(sensitive, i), own(unknown, i)));
    if (isObject(shape)) return mask({}, sensitive, unknown);
    return null;
  }
  // A scalar whose mark is a list or object marking something below it: malformed, and read as the
  // review reads it, as sensitive, so the review and the fingerprint never disagree on what is hidden.
  if (hasTrue(sensitive)) return SENSITIVE;
  if (typeof value === "boolean" || typeof value === "number" || typeof value === "string") return value;
  return null;
}

/** Keys whose shape marks something (`true` somewhere below); `false` and empty shapes mark nothing. */
function markedKeys(shape: unknown): string[] {
  if (!isObject(shape)) return [];
  return Object.keys(shape).filter((key) => hasTrue(shape[key]));
}

function hideAttributes(value: Canonical): Canonical {
  if (!isObject(value)) return value;
  // Hidden whatever the marks say, as the review hides them (NEVER_READ).
  const result: { [key: string]: Canonical } = Object.create(null);
  for (const [key, item] of Object.entries(value)) result[key] = NEVER_READ.has(key) ? SENSITIVE : item;
  return result;
}

/** JSON with sorted keys, and the markers as bare tokens. */
function serialize(value: unknown): string {
  if (value === SENSITIVE) return SENSITIVE_MARKER;
  if (value === UNKNOWN) return UNKNOWN_MARKER;
  if (Array.isArray(value)) return `[${value.map(serialize).join(",")}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${serialize(value[key])}`).join(",")}}`;
  }
  if (typeof value === "number" && !Number.isFinite(value)) return "null";
  return JSON.stringify(value ?? null);
}
