import * as path from "path";
import { AksWorkloadIdentityStack, DEFAULT_STACK_NAME } from "./aks-workload-identity-stack";
import { ConfigError } from "../config/errors";
import { loadConfig } from "../config/load";
import { withoutTokenStackTraces } from "../private/stack-traces";
import { visible } from "../private/visible-text";
import { OutputError, synthAtomically } from "./atomic-synth";
import { recordConfiguration } from "./configuration-record";

/** How cdktf begins the error it throws when a construct's validation fails at synth. */
const VALIDATION_FAILED = "Validation failed with the following errors:";

export interface SynthOptions {
  /** Environment: `AKS_WI_CONFIG`, the article's variables, and `CDKTF_OUTDIR` (set by the cdktf CLI). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
  /** Receives error text for the user. */
  readonly stderr: { write(text: string): unknown };
  /** Command-line arguments: none, or `--help`. @default [] */
  readonly args?: readonly string[];
  /** Receives the help text. @default - stderr */
  readonly stdout?: { write(text: string): unknown };
}

/** Exit codes of synthesis. */
export const SYNTH_EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const SYNTH_HELP = `usage: npm run synth   (or npx cdktf synth)

Validates the configuration (AKS_WI_CONFIG, a JSON or YAML file, and the article's environment
variables), checks the security policy and writes cdktf.out/stacks/aks-workload-identity/cdk.tf.json
(cdktf.out, or CDKTF_OUTDIR as the cdktf CLI sets it). Files are staged inside the output
directory and moved into place only when all of them are written, so a failure leaves the earlier
output whole. A relative AKS_WI_CONFIG is read from the directory npm was run in.

exit codes:
  0  written
  1  not written, earlier output unchanged: the configuration is invalid, the security policy has an
     unaccepted error, or the output cannot be written (no space, no permission, read-only)
  2  usage: an unknown argument
`;

/**
 * The app's main job: load and validate the configuration, then synthesize the stack atomically.
 * @returns the process exit code (SYNTH_EXIT): 0, or 1 with the reason on `stderr`: the configuration,
 * the policy, or an output that cannot be written
 */
export function synth(options: SynthOptions): number {
  const args = options.args ?? [];
  if (args.includes("--help") || args.includes("-h")) {
    (options.stdout ?? options.stderr).write(SYNTH_HELP);
    return SYNTH_EXIT.ok;
  }
  if (args.length > 0) {
    options.stderr.write(`synth: unknown argument ${visible(args[0])}; it takes none (npm run synth -- --help)\n`);
    return SYNTH_EXIT.usage;
  }
  try {
    const { config } = loadConfig({ env: options.env, cwd: options.cwd });
    const outdir = path.resolve(options.cwd, options.env.CDKTF_OUTDIR || "cdktf.out");
    withoutTokenStackTraces(() => synthAtomically(outdir, (app) => recordConfiguration(new AksWorkloadIdentityStack(app, DEFAULT_STACK_NAME, { config }), config)));
    return 0;
  } catch (error) {
    // Configuration errors, and synth-time validations such as the security policy, are the user's
    // to fix: report them without a stack trace. Anything else is a bug and keeps its trace.
    if (error instanceof ConfigError || (error instanceof Error && error.message.startsWith(VALIDATION_FAILED))) {
      // cdktf's hint to skip validation is not advice to give; the policy's own escape hatch is.
      const message = error.message.replace(/\n+If you wish to ignore these validations[^\n]*\n*$/, "\n\nFix them, or accept one with a reason under policy.suppressions (help/policy.md).");
      options.stderr.write(`${message}\n`);
      return SYNTH_EXIT.failed;
    }
    if (error instanceof OutputError) {
      options.stderr.write(`synth: ${visible(error.message)}\n`);
      return SYNTH_EXIT.failed;
    }
    throw error;
  }
}
