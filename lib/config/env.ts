import { Source } from "./errors";
import type { ObjectField } from "./fields";
import { ENV_OVERRIDES, SCHEMA } from "./schema";
import { isPlainObject, joinPath } from "./paths";

/**
 * The environment's layer of the configuration: the article's variables override the file, which
 * overrides the defaults. What comes from where is kept, so that problems and `npm run config`
 * name the variable a value came from.
 */
export interface Overlaid {
  /** A copy of the file's values with the variables written into it. */
  readonly input: unknown;
  /** Sources of the values that did not come from the file: variables, and defaults copied to hold them. */
  readonly sources: ReadonlyMap<string, Source>;
}

/** Returns a copy of `raw` with the article's environment variables written into it. */
export function overlayEnvironment(raw: unknown, env: Readonly<Record<string, string | undefined>>): Overlaid {
  const input: unknown = structuredClone(raw ?? {});
  const sources = new Map<string, Source>();
  for (const { variable, path: keys } of ENV_OVERRIDES) {
    const value = env[variable];
    if (value === undefined) continue;
    let container: unknown = input;
    let at = "";
    for (const key of keys.slice(0, -1)) {
      container = childContainer(container, key, at, sources);
      at = joinPath(at, key);
    }
    const last = keys[keys.length - 1];
    if (isPlainObject(container) && typeof last === "string") {
      container[last] = value;
      sources.set(joinPath(at, last), { kind: "env", variable });
    }
  }
  return { input, sources };
}

/** The object or list at `key` under `container`, created from defaults when absent; undefined if not a container. */
function childContainer(container: unknown, key: string | number, at: string, sources: Map<string, Source>): unknown {
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
    const fields: ObjectField["fields"] = SCHEMA.fields;
    const spec = fields[key];
    if (spec?.kind === "list") {
      container[key] = structuredClone(spec.default);
      markDefaults(container[key], childPath, sources);
    } else {
      container[key] = {};
    }
  }
  return container[key];
}

function markDefaults(value: unknown, at: string, sources: Map<string, Source>): void {
  if (Array.isArray(value)) value.forEach((item, i) => markDefaults(item, joinPath(at, i), sources));
  else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) markDefaults(v, joinPath(at, k), sources);
  else sources.set(at, { kind: "default" });
}
