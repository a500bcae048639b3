import * as path from "path";
import { AksWorkloadIdentityStack, DEFAULT_STACK_NAME } from "../aks-workload-identity-stack";
import { ConfigError } from "../config/errors";
import { loadConfig } from "../config/load";
import { synthAtomically } from "./atomic-synth";

export interface SynthOptions {
  /** Environment: `AKS_WI_CONFIG`, the article's variables, and `CDKTF_OUTDIR` (set by the cdktf CLI). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
  /** Receives error text for the user. */
  readonly stderr: { write(text: string): unknown };
}

/**
 * The app's main job: load and validate the configuration, then synthesize the stack atomically.
 * @returns the process exit code: 0, or 1 for a configuration error (reported on `stderr`)
 */
export function synth(options: SynthOptions): number {
  try {
    const { config } = loadConfig({ env: options.env, cwd: options.cwd });
    const outdir = path.resolve(options.cwd, options.env.CDKTF_OUTDIR || "cdktf.out");
    synthAtomically(outdir, (app) => new AksWorkloadIdentityStack(app, DEFAULT_STACK_NAME, { config }));
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    options.stderr.write(`${error.message}\n`);
    return 1;
  }
}
