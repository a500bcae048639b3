import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require("../scripts/build-app.js") as { ensureBuilt: (name: string) => string };

export const STACK_FILE = path.join("cdktf.out", "stacks", "aks-workload-identity", "cdk.tf.json");

export interface AppRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly cwd: string;
}

let built: string | undefined;

/**
 * The built file of a project command (dist/NAME.js), as `npm run NAME` runs it: built now only if a
 * file it is built from changed since the last build.
 */
export function builtCommand(name: string): string {
  return ensureBuilt(name);
}

/** Runs the compiled app the way `npm run synth` does, in `cwd`, with only `env` from the article's variables. */
export function runApp(cwd: string, env: Record<string, string> = {}): AppRun {
  built ??= builtCommand("main");
  const result = spawnSync(process.execPath, [built], { cwd, env: { ...cleanEnv(), ...env }, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, cwd };
}

/** This process's environment without anything that would change what the app synthesizes. */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !ARTICLE_VARIABLES.has(k) && k !== "CDKTF_OUTDIR"));
}

/** A new empty directory, removed by the caller. */
export function scratchDir(prefix = "aks-wi-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const ARTICLE_VARIABLES = new Set([
  "AKS_WI_CONFIG",
  "LOCATION",
  "RANDOM_ID",
  "RESOURCE_GROUP",
  "CLUSTER_NAME",
  "KEYVAULT_NAME",
  "KEYVAULT_SECRET_NAME",
  "SERVICE_ACCOUNT_NAMESPACE",
  "SERVICE_ACCOUNT_NAME",
  "USER_ASSIGNED_IDENTITY_NAME",
  "FEDERATED_IDENTITY_CREDENTIAL_NAME",
]);
