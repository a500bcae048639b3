import { InvalidPropsError } from "../lib/invalid-props-error";
import { ConfigError } from "../lib/config/errors";

/** The error `build` throws, which must be an InvalidPropsError; fails the test otherwise. */
export function propsErrorOf(build: () => unknown): InvalidPropsError {
  try {
    build();
  } catch (error) {
    if (error instanceof InvalidPropsError) return error;
    throw error;
  }
  throw new Error("expected an InvalidPropsError, but nothing was thrown");
}

/** The error `load` throws, which must be a ConfigError; fails the test otherwise. */
export function configErrorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError, but nothing was thrown");
}

/** A problem line without its path: `path: rest` gives `rest`. */
export function withoutPath(line: string, path: string): string {
  if (!line.startsWith(`${path}: `)) throw new Error(`expected a line about ${path}, got ${line}`);
  return line.slice(path.length + 2);
}
