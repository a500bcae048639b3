import * as path from "path";
import { AksWorkloadIdentityStack, DEFAULT_STACK_NAME } from "../aks-workload-identity-stack";
import { ConfigError } from "../config/errors";
import { loadConfig } from "../config/load";
import { withoutTokenStackTraces } from "../private/stack-traces";
import { synthAtomically } from "./atomic-synth";

/** How cdktf begins the error it throws when a construct's validation fails at synth. */
const VALIDATION_FAILED = "Validation failed with the following errors:";

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
    withoutTokenStackTraces(() => synthAtomically(outdir, (app) => new AksWorkloadIdentityStack(app, DEFAULT_STACK_NAME, { config })));
    return 0;
  } catch (error) {
    // Configuration errors, and synth-time validations such as the security policy, are the user's
    // to fix: report them without a stack trace. Anything else is a bug and keeps its trace.
    if (error instanceof ConfigError || (error instanceof Error && error.message.startsWith(VALIDATION_FAILED))) {
      // cdktf's hint to skip validation is not advice to give; the policy's own escape hatch is.
      const message = error.message.replace(/\n+If you wish to ignore these validations[^\n]*\n*$/, "\n\nFix them, or accept one with a reason under policy.suppressions (help/policy.md).");
      options.stderr.write(`${message}\n`);
      return 1;
    }
    throw error;
  }
}
