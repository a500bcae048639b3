/**
 * What a `terraform show -json <planfile>` document must look like for the review to read it, checked
 * before anything reads it. A plan file comes from a pull request's job, so it may be anything: every
 * shape that is not a plan gives one `PlanFormatError` naming the JSON path of the first problem,
 * never a crash in the code that reads it later.
 */
import { isObject } from "./json";

/** The parts of `terraform show -json <planfile>` output the review reads. */
export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly PlanResourceChange[];
  /** Changes Terraform could not plan yet (Terraform 1.8+ with deferral): each with why. */
  readonly deferred_changes?: readonly PlanDeferredChange[];
  readonly configuration?: { readonly root_module?: PlanConfigModule };
  readonly applyable?: boolean;
  /** False when applying this plan leaves changes for a later plan (deferred changes). */
  readonly complete?: boolean;
  /** True when planning failed: the changes are the part Terraform got to, and none can be applied. */
  readonly errored?: boolean;
}

export interface PlanResourceChange {
  /** e.g. `azurerm_key_vault.KeyVault_DE550064`, `module.team["a"].azurerm_role_assignment.this["reader"]`. */
  readonly address: string;
  /** Where the object was before a `moved` block or a refactoring moved it. */
  readonly previous_address?: string;
  readonly module_address?: string;
  readonly mode?: "managed" | "data";
  readonly type: string;
  readonly name?: string;
  readonly index?: unknown;
  /** Set when the change is to a deposed object, left over from a create-before-destroy replacement. */
  readonly deposed?: string;
  /** e.g. `replace_because_cannot_update`, `replace_because_tainted`, `delete_because_no_resource_config`. */
  readonly action_reason?: string;
  readonly change: PlanChange;
}

export interface PlanChange {
  /** `["create"]`, `["update"]`, `["delete", "create"]`, `["create", "delete"]`, `["delete"]`, `["forget"]`, `["create", "forget"]`, `["no-op"]`, `["read"]`. */
  readonly actions: readonly string[];
  readonly before?: unknown;
  readonly after?: unknown;
  /** The shape of `after` with `true` where the value is known only after apply. */
  readonly after_unknown?: unknown;
  /** The shape of `before` with `true` where the value is sensitive (or `true` for all of it). */
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
  /** Attribute paths that force the replacement. */
  readonly replace_paths?: readonly (readonly (string | number)[])[];
  /** Present when the change imports the object (an `import` block), in addition to its actions. */
  readonly importing?: { readonly id?: string; readonly unknown?: boolean } | null;
}

export interface PlanDeferredChange {
  /** e.g. `resource_config_unknown`, `provider_config_unknown`, `instance_count_unknown`, `deferred_prereq`, `absent_prereq`. */
  readonly reason: string;
  readonly resource_change: PlanResourceChange;
}

export interface PlanConfigModule {
  readonly resources?: readonly PlanConfigResource[];
  readonly module_calls?: Readonly<Record<string, PlanModuleCall>>;
  readonly outputs?: Readonly<Record<string, { readonly expression?: PlanExpression }>>;
}

export interface PlanModuleCall {
  readonly source?: string;
  readonly expressions?: Readonly<Record<string, unknown>>;
  readonly count_expression?: PlanExpression;
  readonly for_each_expression?: PlanExpression;
  readonly module?: PlanConfigModule;
}

export interface PlanConfigResource {
  /** Relative to its module, without instance keys: `azurerm_role_assignment.this`. */
  readonly address: string;
  readonly mode?: "managed" | "data";
  readonly type: string;
  readonly name: string;
  /** Per argument: a `PlanExpression`, or for nested blocks a list of objects of them. */
  readonly expressions?: Readonly<Record<string, unknown>>;
  readonly count_expression?: PlanExpression;
  readonly for_each_expression?: PlanExpression;
}

export interface PlanExpression {
  readonly constant_value?: unknown;
  /** What the expression refers to, longest first: `azurerm_user_assigned_identity.X.principal_id`, `azurerm_user_assigned_identity.X`. */
  readonly references?: readonly string[];
}

/** The input is not `terraform show -json` output of a plan. */
export class PlanFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanFormatError";
  }
}

/** Every action list Terraform 1.11 writes (`internal/command/jsonplan/plan.go`, `actionString`). */
export const ACTION_LISTS: readonly string[] = ["no-op", "create", "read", "update", "delete,create", "create,delete", "delete", "forget", "create,forget"];

/**
 * Deeper than any value a provider schema can describe (a pod's container probes are about 15 levels
 * down, with the plan's own nesting), and shallow enough that code walking a value never runs out of stack.
 */
export const MAX_DEPTH = 200;

/** Module calls inside module calls: Terraform has no limit, this review does. */
const MAX_MODULE_DEPTH = 50;

type Json = unknown;
type Path = readonly (string | number)[];

/** Checks the document and returns it typed; throws `PlanFormatError` naming the first problem's JSON path. */
export function checkPlan(plan: unknown): PlanJson {
  if (!isObject(plan) || typeof plan.format_version !== "string") {
    throw new PlanFormatError("not Terraform JSON output: expected an object with format_version (run `terraform show -json <planfile>`)");
  }
  const version = plan.format_version;
  if (!/^1\.\d{1,4}$/.test(version)) {
    throw new PlanFormatError(
      `not a format this review reads: format_version ${describe(version)} is not 1.x, which Terraform 1.0 and later write (run \`terraform show -json <planfile>\` with Terraform 1.x)`,
    );
  }
  if (plan.resource_changes === undefined && plan.deferred_changes === undefined && !("planned_values" in plan)) {
    throw new PlanFormatError("not a plan (no resource_changes or planned_values): run `terraform show -json <planfile>`, not on the state");
  }
  checkDepth(plan);
  optional(plan, [], "terraform_version", "string");
  for (const flag of ["applyable", "complete", "errored"]) optional(plan, [], flag, "boolean");
  if (plan.resource_changes !== undefined) {
    list(plan.resource_changes, ["resource_changes"]).forEach((rc, i) => checkResourceChange(rc, ["resource_changes", i]));
  }
  if (plan.deferred_changes !== undefined) {
    list(plan.deferred_changes, ["deferred_changes"]).forEach((deferred, i) => {
      const path = ["deferred_changes", i];
      const entry = object(deferred, path);
      required(entry, path, "reason", "string");
      checkResourceChange(entry.resource_change, [...path, "resource_change"]);
    });
  }
  if (plan.configuration !== undefined) {
    const configuration = object(plan.configuration, ["configuration"]);
    if (configuration.root_module !== undefined) checkModule(configuration.root_module, ["configuration", "root_module"], 0);
  }
  return plan as unknown as PlanJson;
}

function checkResourceChange(value: Json, path: Path): void {
  const rc = object(value, path);
  required(rc, path, "address", "string");
  required(rc, path, "type", "string");
  for (const key of ["name", "module_address", "previous_address", "deposed", "action_reason"]) optional(rc, path, key, "string");
  if (rc.mode !== undefined && rc.mode !== "managed" && rc.mode !== "data") fail([...path, "mode"], `expected "managed" or "data", got ${describe(rc.mode)}`);
  const changePath = [...path, "change"];
  const change = object(rc.change, changePath);
  const actions = list(change.actions, [...changePath, "actions"]);
  if (!actions.every((a) => typeof a === "string") || !ACTION_LISTS.includes(actions.join(","))) {
    fail([...changePath, "actions"], `${describe(actions)} is not an action list Terraform writes (${ACTION_LISTS.map((a) => `[${a}]`).join(", ")})`);
  }
  if (change.replace_paths !== undefined && change.replace_paths !== null) {
    list(change.replace_paths, [...changePath, "replace_paths"]).forEach((attributePath, i) => {
      const at = [...changePath, "replace_paths", i];
      const steps = list(attributePath, at, "an attribute path (a list of names and indexes)");
      if (steps.length === 0) fail(at, "expected an attribute path (a list of names and indexes), got an empty list");
      steps.forEach((step, j) => {
        if (typeof step !== "string" && !(typeof step === "number" && Number.isInteger(step) && step >= 0)) fail([...at, j], `expected an attribute name or index, got ${describe(step)}`);
      });
    });
  }
  if (change.importing !== undefined && change.importing !== null) {
    const importing = object(change.importing, [...changePath, "importing"]);
    optional(importing, [...changePath, "importing"], "id", "string");
    optional(importing, [...changePath, "importing"], "unknown", "boolean");
  }
}

function checkModule(value: Json, path: Path, depth: number): void {
  if (depth > MAX_MODULE_DEPTH) fail(path, `module calls nested more than ${MAX_MODULE_DEPTH} deep`);
  const module = object(value, path);
  if (module.resources !== undefined) {
    list(module.resources, [...path, "resources"]).forEach((resource, i) => {
      const at = [...path, "resources", i];
      const entry = object(resource, at);
      required(entry, at, "address", "string");
      required(entry, at, "type", "string");
      required(entry, at, "name", "string");
      if (entry.expressions !== undefined) checkExpressions(entry.expressions, [...at, "expressions"]);
      for (const key of ["count_expression", "for_each_expression"]) if (entry[key] !== undefined) checkExpression(entry[key], [...at, key]);
    });
  }
  if (module.module_calls !== undefined) {
    for (const [name, call] of Object.entries(object(module.module_calls, [...path, "module_calls"]))) {
      const at = [...path, "module_calls", name];
      const entry = object(call, at);
      optional(entry, at, "source", "string");
      if (entry.expressions !== undefined) checkExpressions(entry.expressions, [...at, "expressions"]);
      for (const key of ["count_expression", "for_each_expression"]) if (entry[key] !== undefined) checkExpression(entry[key], [...at, key]);
      if (entry.module !== undefined) checkModule(entry.module, [...at, "module"], depth + 1);
    }
  }
  if (module.outputs !== undefined) {
    for (const [name, output] of Object.entries(object(module.outputs, [...path, "outputs"]))) {
      const at = [...path, "outputs", name];
      const entry = object(output, at);
      if (entry.expression !== undefined) checkExpression(entry.expression, [...at, "expression"]);
    }
  }
}

/** Arguments are expressions; nested blocks are lists of objects of arguments, which the review does not read. */
function checkExpressions(value: Json, path: Path): void {
  for (const [name, expression] of Object.entries(object(value, path))) {
    if (!Array.isArray(expression)) checkExpression(expression, [...path, name]);
  }
}

function checkExpression(value: Json, path: Path): void {
  const expression = object(value, path);
  if (expression.references !== undefined) {
    list(expression.references, [...path, "references"]).forEach((reference, i) => {
      if (typeof reference !== "string") fail([...path, "references", i], `expected a reference (a string), got ${describe(reference)}`);
    });
  }
}

/** Walks the whole document without recursion and refuses nesting deeper than `MAX_DEPTH`. */
function checkDepth(plan: Record<string, Json>): void {
  // Values and their depths side by side: no path is kept for each of a large plan's million values.
  const values: Json[] = [plan];
  const depths: number[] = [0];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    if (depth > MAX_DEPTH) failTooDeep(plan);
    const children = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [];
    for (const item of children) {
      if (typeof item === "object" && item !== null) {
        values.push(item);
        depths.push(depth + 1);
      }
    }
  }
}

/** Finds where the document is too deep, to say so: the first few steps of the path are enough. */
function failTooDeep(plan: Record<string, Json>): never {
  const deepest = (value: Json, limit: number): { depth: number; path: (string | number)[] } => {
    // Depth of a value without recursion, and the first steps towards its deepest point.
    let best = { depth: 0, path: [] as (string | number)[] };
    const stack: { value: Json; depth: number; path: (string | number)[] }[] = [{ value, depth: 0, path: [] }];
    while (stack.length > 0) {
      const { value: node, depth, path } = stack.pop()!;
      if (depth > best.depth) best = { depth, path };
      if (depth > limit) break;
      const step = (key: string | number) => (path.length < 6 ? [...path, key] : path);
      if (Array.isArray(node)) node.forEach((item, i) => typeof item === "object" && item !== null && stack.push({ value: item, depth: depth + 1, path: step(i) }));
      else if (isObject(node)) for (const key of Object.keys(node)) if (typeof node[key] === "object" && node[key] !== null) stack.push({ value: node[key], depth: depth + 1, path: step(key) });
    }
    return best;
  };
  const { path } = deepest(plan, MAX_DEPTH);
  throw new PlanFormatError(`not a valid plan: ${jsonPath(path)}${path.length >= 6 ? "…" : ""}: nested more than ${MAX_DEPTH} levels deep, which no plan of a provider schema is`);
}

function object(value: Json, path: Path): Record<string, Json> {
  if (!isObject(value)) fail(path, `expected an object, got ${describe(value)}`);
  return value;
}

function list(value: Json, path: Path, what = "a list"): Json[] {
  if (!Array.isArray(value)) fail(path, `expected ${what}, got ${describe(value)}`);
  return value;
}

function required(entry: Record<string, Json>, path: Path, key: string, type: "string" | "boolean"): void {
  if (typeof entry[key] !== type) fail([...path, key], `expected a ${type}, got ${describe(entry[key])}`);
}

function optional(entry: Record<string, Json>, path: Path, key: string, type: "string" | "boolean"): void {
  if (entry[key] !== undefined && entry[key] !== null && typeof entry[key] !== type) fail([...path, key], `expected a ${type}, got ${describe(entry[key])}`);
}

function fail(path: Path, problem: string): never {
  throw new PlanFormatError(`not a valid plan: ${jsonPath(path)}: ${problem}`);
}

/** `resource_changes[3].change.actions`, with keys that are not plain names quoted: `module_calls["a b"]`. */
export function jsonPath(path: Path): string {
  if (path.length === 0) return "the document";
  return path
    .map((step, i) => {
      if (typeof step === "number") return `[${step}]`;
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(step)) return i === 0 ? step : `.${step}`;
      return `[${describe(step)}]`;
    })
    .join("");
}

/** A short, one-line description of a JSON value for an error message. */
export function describe(value: Json): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) {
    if (value.length === 0) return "an empty list";
    const json = value.length <= 10 && value.every((v) => v === null || typeof v !== "object") ? JSON.stringify(value) : "";
    return json && json.length <= 60 ? json : `a list of ${value.length}`;
  }
  if (typeof value === "object") return "an object";
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}..."` : json;
}

/**
 * Never read, whatever the sensitivity marks say: secret values, and cluster credentials (a plan
 * made with a provider that forgets to mark them would otherwise show them, or hash them).
 */
export const NEVER_READ: ReadonlySet<string> = new Set(["value", "value_wo", "kube_config", "kube_admin_config", "kube_config_raw", "kube_admin_config_raw"]);

/** Whether a marker tree (`after_unknown`, `*_sensitive`) has `true` anywhere in it. */
export function hasTrue(node: unknown): boolean {
  if (node === true) return true;
  if (Array.isArray(node)) return node.some(hasTrue);
  return isObject(node) && Object.values(node).some(hasTrue);
}

/** `node[key]` when it is the node's own entry (never an inherited one such as `constructor`). */
export function own(node: unknown, key: string | number): unknown {
  if (Array.isArray(node)) return typeof key === "number" ? node[key] : undefined;
  if (!isObject(node) || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
  return node[key];
}
