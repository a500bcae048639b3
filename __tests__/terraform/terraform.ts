import { spawnSync } from "child_process";
import * as fs from "fs";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { mirrorDirectory } = require("../../scripts/offline-providers.js") as { mirrorDirectory(cliConfig: string): string | undefined };

export interface TerraformResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a Terraform command in `cwd` and returns what it printed. `init` never sees shared providers
 * (providers.setup.ts): it installs from the mirror or registry and writes the lock file as a user's
 * would; every later command talks to the shared ones.
 */
export function terraformResult(cwd: string, args: string[], env: Record<string, string> = {}): TerraformResult {
  const base: NodeJS.ProcessEnv = { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
  if (args[0] === "init") delete base.TF_REATTACH_PROVIDERS;
  const result = spawnSync("terraform", [...args, "-no-color"], {
    cwd,
    encoding: "utf8",
    env: { ...base, ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a Terraform command in `cwd`; throws with Terraform's own output when it fails. */
export function terraform(cwd: string, args: string[], env: Record<string, string> = {}): string {
  const result = terraformResult(cwd, args, env);
  if (result.status !== 0) {
    throw new Error(`terraform ${args.join(" ")} exited ${result.status} in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** Providers come from a filesystem mirror: the offline stand-ins, which have no Azure behind them. */
export const OFFLINE = (() => {
  const file = process.env.TF_CLI_CONFIG_FILE;
  return file !== undefined && fs.existsSync(file) && mirrorDirectory(fs.readFileSync(file, "utf8")) !== undefined;
})();

/** One message of Terraform's machine-readable UI (`plan -json`, `apply -json`). */
export type UiMessage = { readonly type: string } & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The messages of a `-json` run's output, one per line. */
export function uiMessages(stdout: string): UiMessage[] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as UiMessage);
}
