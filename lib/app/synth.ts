import * as path from "path";
import { TerraformResource } from "cdktf";
import { AksWorkloadIdentityStack, DEFAULT_STACK_NAME } from "./aks-workload-identity-stack";
import { ConfigError } from "../config/errors";
import { loadConfig } from "../config/load";
import { CONFIG_FILE_VARIABLE } from "../config/schema";
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
}

/** What a synthesis wrote, and from what. */
export interface SynthResult {
  /** The stack's cdk.tf.json, absolute. */
  readonly file: string;
  /** Managed resources in it (data sources not counted). */
  readonly resources: number;
  /** AKS_WI_CONFIG as given, when the configuration came from a file. */
  readonly configFile?: string;
  /** The article's environment variables that set a value, over the file and the defaults, in schema order. */
  readonly environment: readonly string[];
}

/** The output directory synthesis writes: CDKTF_OUTDIR (as the cdktf CLI sets it), else cdktf.out. */
export function outputDirectory(options: SynthOptions): string {
  return path.resolve(options.cwd, options.env.CDKTF_OUTDIR || "cdktf.out");
}

/**
 * The app's main job: load and validate the configuration, then synthesize the stack atomically
 * (the earlier output stays whole on any failure).
 * @throws ConfigError, cdktf's validation error (the security policy), OutputError; see `synthFailure`
 */
export function synthesize(options: SynthOptions): SynthResult {
  const { config, values } = loadConfig({ env: options.env, cwd: options.cwd });
  const outdir = outputDirectory(options);
  let resources = 0;
  withoutTokenStackTraces(() =>
    synthAtomically(outdir, (app) => {
      const stack = new AksWorkloadIdentityStack(app, DEFAULT_STACK_NAME, { config });
      recordConfiguration(stack, config);
      // Counted before synth renders them; the tree is complete once the stack's constructor returns.
      resources = stack.node.findAll().filter((c) => TerraformResource.isTerraformResource(c)).length;
    }),
  );
  const environment = [...new Set(values.flatMap((v) => (v.source.kind === "env" ? [v.source.variable] : [])))];
  const configFile = options.env[CONFIG_FILE_VARIABLE];
  return {
    file: path.join(outdir, "stacks", DEFAULT_STACK_NAME, "cdk.tf.json"),
    resources,
    environment,
    ...(configFile !== undefined ? { configFile } : {}),
  };
}

/**
 * The message for a synthesis that failed on something the user can fix: the configuration, the
 * security policy (a synth-time validation), an output that cannot be written. Undefined for anything
 * else, which is a bug and keeps its stack trace.
 */
export function synthFailure(error: unknown): string | undefined {
  if (error instanceof ConfigError || (error instanceof Error && error.message.startsWith(VALIDATION_FAILED))) {
    // cdktf's hint to skip validation is not advice to give; the policy's own escape hatch is.
    return error.message.replace(/\n+If you wish to ignore these validations[^\n]*\n*$/, "\n\nFix them, or accept one with a reason under policy.suppressions (help/policy.md).");
  }
  if (error instanceof OutputError) return `synth: ${visible(error.message)}`;
  return undefined;
}
