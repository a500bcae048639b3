import { applyGuard, presenceTest } from "../private/apply-guard";
import { TerraformDocument } from "../terraform-json/blocks";
import { JsonObject } from "../terraform-json/json";
import { isExpression, referenceOf, ResourceReference } from "../terraform-json/references";
import { Verdict } from "./types";

/**
 * A rule's verdict on one resource, and the values rules treat specially: an absent argument takes
 * the provider's default, and an expression (`${…}`) is only known once Terraform evaluates it.
 * Reading the JSON (blocks, references) is lib/terraform-json.
 */

type Json = JsonObject;

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

/** True when `reference` names a resource or data source the document declares. */
export function resolves(reference: ResourceReference, document: TerraformDocument): boolean {
  return document.addresses.has(reference.address);
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
const VARIABLE_VALUE = [new RegExp(String.raw`^\$\{lookup\(${NAME}, *${KEY}\)\}$`), OPTIONAL_VARIABLE_VALUE];

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
  const reference = referenceOf(value);
  if (reference) return reference.kind === "var" && reference.path.length <= 1;
  return typeof value === "string" && VARIABLE_VALUE.some((pattern) => pattern.test(value));
}
