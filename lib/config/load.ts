import * as path from "path";
import { ConfigError, ConfigProblem } from "./errors";
import { readConfigFile } from "./read";
import { LoadedConfig, resolveConfig } from "./resolve";
import { CONFIG_FILE_VARIABLE } from "./schema";

/**
 * The configuration's entry point: reading the file (read.ts), resolving it over the defaults and
 * under the environment (resolve.ts, env.ts), and checking values (resolve.ts, cross-checks.ts).
 */

export { closestKey } from "./suggest";
export { findDuplicateJsonKey } from "./read";
export { resolveConfig } from "./resolve";
export type { LoadedConfig, ResolveConfigOptions, ResolvedValue } from "./resolve";

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
