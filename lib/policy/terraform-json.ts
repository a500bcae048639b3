import { applyGuard, presenceTest } from "../private/apply-guard";
import { TerraformDocument, TerraformResource, Verdict } from "./types";

/**
 * Reading synthesized Terraform JSON the way Terraform does: a nested block may be written as an
 * object or as a list of objects (cdktf writes single blocks as objects), an absent argument takes
 * the provider's default, and `${…}` is an expression rather than a literal.
 */

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The objects of a JSON value that may be one object or a list of them. */
function objectsOf(value: unknown): Json[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

/** The resources and data sources of a synthesized stack, as cdktf or Terraform JSON writes them. */
export function readDocument(tfJson: unknown): TerraformDocument {
  const root = isObject(tfJson) ? tfJson : {};
  const resources: TerraformResource[] = [];
  for (const byType of objectsOf(root.resource)) {
    for (const [type, byName] of Object.entries(byType)) {
      for (const named of objectsOf(byName)) {
        for (const [name, bodyValue] of Object.entries(named)) {
          for (const body of objectsOf(bodyValue)) {
            const address = `${type}.${name}`;
            const meta = (body["//"] as { metadata?: { path?: unknown } } | undefined)?.metadata;
            resources.push({ type, name, address, path: typeof meta?.path === "string" ? meta.path : address, body });
          }
        }
      }
    }
  }
  const dataAddresses = new Set<string>();
  for (const byType of objectsOf(root.data)) {
    for (const [type, byName] of Object.entries(byType)) {
      for (const named of objectsOf(byName)) Object.keys(named).forEach((name) => dataAddresses.add(`${type}.${name}`));
    }
  }
  return { resources, resourceAddresses: new Set(resources.map((r) => r.address)), dataAddresses };
}

/** The first object of a nested block (`default_node_pool`, `network_acls`…), or undefined when absent. */
export function block(parent: Json | undefined, name: string): Json | undefined {
  return parent === undefined ? undefined : objectsOf(parent[name])[0];
}

/** Every object of a repeatable nested block (`container`…). */
export function blocks(parent: Json | undefined, name: string): Json[] {
  return parent === undefined ? [] : objectsOf(parent[name]);
}

/** True for a value Terraform computes at plan or apply: an interpolation. */
export function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

/** A JSON rendering of a value for `found`; long enough for a role definition's full ARM id. */
export function show(value: unknown): string {
  if (value === undefined) return "absent";
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

export const pass: Verdict = { outcome: "pass" };

export function fail(found: string): Verdict {
  return { outcome: "fail", found };
}

/** The outcome turns on a value only Terraform can evaluate: neither a pass nor a failure yet. */
export function unknown(found: string): Verdict {
  return { outcome: "unknown", found };
}

/** A failure, or unknown when the value that broke the rule is an expression that may still satisfy it. */
export function failOrUnknown(value: unknown, found: string): Verdict {
  return isExpression(value) ? unknown(found) : fail(found);
}

/** Passes when `attribute` of `body` is the literal `expected`; unknown while an expression stands in its place. */
export function requireLiteral(body: Json | undefined, attribute: string, expected: unknown, where = attribute): Verdict {
  const value = body?.[attribute];
  return value === expected ? pass : failOrUnknown(value, `${where} is ${show(value)}`);
}

/** A reference to one attribute of a resource or data source, e.g. `${azurerm_key_vault.Vault.id}`. */
export interface Reference {
  readonly dataSource: boolean;
  readonly type: string;
  readonly name: string;
  /** The attribute path after the name, e.g. `id` or `kube_config[0].host`. */
  readonly attribute: string;
}

const REFERENCE = /^\$\{(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])?(?:\.[A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])?)*)\}$/;

/** The reference a value consists of, or undefined when it is a literal or any other expression. */
export function referenceOf(value: unknown): Reference | undefined {
  if (typeof value !== "string") return undefined;
  const match = REFERENCE.exec(value);
  if (!match || match[2] === "var" || match[2] === "local") return undefined;
  return { dataSource: match[1] !== undefined, type: match[2], name: match[3], attribute: match[4] };
}

/** True when `reference` names a resource or data source the document declares. */
export function resolves(reference: Reference, document: TerraformDocument): boolean {
  const address = `${reference.type}.${reference.name}`;
  return reference.dataSource ? document.dataAddresses.has(address) : document.resourceAddresses.has(address);
}

/**
 * An input variable's value, whole or one key of it: `${var.x}`, `${var.x.key}`, `${var.x["key"]}`
 * or `${lookup(var.x, "key")}`; or an optional one, empty while absent (a plan without the secret):
 * `${var.x == null ? "" : var.x}`, `${var.x == null ? "" : lookup(var.x, "key", "")}`.
 * Anything else may embed a literal or a value kept in state.
 */
const NAME = String.raw`var\.[A-Za-z_][A-Za-z0-9_-]*`;
const KEY = String.raw`"[^"$%\\]*"`;
const OPTIONAL_VARIABLE_VALUE = new RegExp(String.raw`^\$\{(${NAME}) == null \? "" : (?:\1|lookup\(\1, *${KEY}, *""\))\}$`);
const VARIABLE_VALUE = [
  new RegExp(String.raw`^\$\{${NAME}(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[${KEY}\])?\}$`),
  new RegExp(String.raw`^\$\{lookup\(${NAME}, *${KEY}\)\}$`),
  OPTIONAL_VARIABLE_VALUE,
];

/** An optional variable's value: empty while absent, so only safe beside a check that stops an apply without it. */
export function isOptionalVariableValue(value: unknown): value is string {
  return typeof value === "string" && OPTIONAL_VARIABLE_VALUE.test(value);
}

/**
 * The precondition RbacKeyVault writes beside an optional value: deferred while planning by
 * `timestamp()`, false at apply while the value is absent or empty.
 */
export function missingValueGuard(value: string): string {
  return applyGuard(presenceTest(value.slice(2, -1)));
}

export function isVariableValue(value: unknown): boolean {
  return typeof value === "string" && VARIABLE_VALUE.some((pattern) => pattern.test(value));
}
