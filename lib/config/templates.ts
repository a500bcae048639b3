import { renderName, usesSuffix } from "../private/name-template";
import type { Field, ObjectField } from "./fields";
import { isPlainObject, joinPath } from "./paths";
import { SCHEMA } from "./schema";
import type { AppConfig } from "./types";

/**
 * Name templates: which configuration keys may hold `{suffix}`, and their expansion. The schema's
 * `template: true` is the one declaration of the keys; lib/private/name-template.ts is the one
 * expansion. The loader checks templates, the stack names resources and `npm run config` shows
 * names through this module, so none of them keeps its own list.
 */

/** Every template key of the schema, lists written `[]`: `resourceGroup.name`, `workloads[].namespace`, `keyVault.additionalSecrets[]`. */
export const TEMPLATE_KEYS: readonly string[] = templateKeys(SCHEMA, "");

function templateKeys(field: Field, at: string): string[] {
  switch (field.kind) {
    case "object":
      return Object.entries(field.fields).flatMap(([key, child]) => templateKeys(child, joinPath(at, key)));
    case "list":
      return templateKeys(field.item, `${at}[]`);
    case "string":
      return field.template ? [at] : [];
    default:
      return [];
  }
}

const TEMPLATE_KEY_SET = new Set(TEMPLATE_KEYS);

/** Whether the value at `path` (as problems and `ResolvedValue` write it, e.g. `workloads[2].identity`) is a name template. */
export function isTemplatePath(path: string): boolean {
  return TEMPLATE_KEY_SET.has(path.replace(/\[\d+\]/g, "[]"));
}

/**
 * The name Azure or Kubernetes will get for the value at `path`, when that value is a template
 * using `{suffix}` and the suffix is fixed; otherwise undefined (other keys are not names, even
 * when their text holds `{suffix}`, such as a suppression's reason).
 */
export function expandedName(path: string, value: unknown, suffix: string | undefined): string | undefined {
  if (suffix === undefined || typeof value !== "string" || !usesSuffix(value) || !isTemplatePath(path)) return undefined;
  return renderName(value, suffix);
}

/**
 * The name a template gives when the suffix is known; with a random suffix (undefined), the
 * template itself, which is as unique: two templates that differ name different objects.
 */
export function knownName(template: string, suffix: string | undefined): string {
  return suffix === undefined ? template : renderName(template, suffix);
}

/**
 * The configuration with every template expanded with `suffix`: a fixed value, or the token of the
 * `random_id` that draws one at apply. Other values are returned as they are.
 */
export function expandTemplates(config: AppConfig, suffix: string): AppConfig {
  return expand(SCHEMA, config, suffix) as AppConfig;
}

function expand(field: Field, value: unknown, suffix: string): unknown {
  if (value === undefined) return value;
  switch (field.kind) {
    case "object":
      return isPlainObject(value) ? expandObject(field, value, suffix) : value;
    case "list":
      return Array.isArray(value) ? value.map((item) => expand(field.item, item, suffix)) : value;
    case "string":
      return field.template && typeof value === "string" ? renderName(value, suffix) : value;
    default:
      return value;
  }
}

function expandObject(spec: ObjectField, value: Record<string, unknown>, suffix: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    result[key] = Object.hasOwn(spec.fields, key) ? expand(spec.fields[key], child, suffix) : child;
  }
  return result;
}
