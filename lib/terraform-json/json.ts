/** A JSON object as parsed: keys to values, never null or a list. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** True for a JSON object: not null, not a list. The one test for it that policy, review and the readers share. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The objects of a value that Terraform JSON lets be one object or a list of them (a block, a
 * block's labels, a nested block): cdktf writes single objects, Terraform reads both.
 */
export function objectsOf(value: unknown): JsonObject[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}
