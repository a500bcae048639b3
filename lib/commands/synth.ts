import * as path from "path";
import { synthesize, synthFailure, SynthResult } from "../app/synth";
import { invocationDirectory } from "../config/load";
import { visible } from "../private/visible-text";
import { CommandIo, defineCommand, EXIT } from "./cli";

/**
 * The line synthesis ends with: what it wrote, relative to the working directory when inside it, how
 * many resources, where the configuration came from, and which of the article's environment
 * variables overrode it. On stdout, which synth uses for nothing else: `npx cdktf synth` logs the
 * app's stdout at debug level (it prints its own "Generated Terraform code" line) and its stderr as
 * errors, so a success line on stderr would show there as "[ERROR]". Failures go to stderr.
 */
export function synthLine(result: SynthResult, cwd: string): string {
  const relative = path.relative(cwd, result.file);
  const shown = relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : result.file;
  const from = result.configFile !== undefined ? `AKS_WI_CONFIG=${result.configFile}` : "the defaults";
  const overrides = result.environment.length > 0 ? `; environment overrides: ${result.environment.join(", ")}` : "";
  return visible(`synth: wrote ${shown} (${result.resources} ${result.resources === 1 ? "resource" : "resources"}) from ${from}${overrides}`);
}

/**
 * Synthesizes and reports: the line on success, the reason on failure (the configuration's problems,
 * the security policy's errors, or the output that cannot be written). Shared by synth and deploy.
 * @returns the written result, or undefined when the reason was reported
 */
export function synthesizeAndReport(io: CommandIo): SynthResult | undefined {
  try {
    const result = synthesize({ env: io.env, cwd: io.cwd });
    // Relative to where the user ran it, as a relative AKS_WI_CONFIG is: npm run starts it in the package's directory.
    io.stdout.write(`${synthLine(result, invocationDirectory(io.env, io.cwd))}\n`);
    return result;
  } catch (error) {
    const message = synthFailure(error);
    if (message === undefined) throw error;
    io.stderr.write(`${message}\n`);
    return undefined;
  }
}

/** `npm run synth` and `npx cdktf synth` (main.ts). */
export const synthCommand = defineCommand(
  {
    name: "synth",
    usage: ["npm run synth   (or npx cdktf synth)"],
    about: `Validates the configuration (AKS_WI_CONFIG, a JSON or YAML file, and the article's environment
variables), checks the security policy and writes cdktf.out/stacks/aks-workload-identity/cdk.tf.json
(cdktf.out, or CDKTF_OUTDIR as the cdktf CLI sets it). Files are staged inside the output
directory and moved into place only when all of them are written, so a failure leaves the earlier
output whole. A relative AKS_WI_CONFIG is read from the directory npm was run in. It ends with one
line on stdout: the file written, its resources, where the configuration came from, and the
article's environment variables that overrode the configuration file or the defaults.`,
    options: {},
    exits: [
      [EXIT.ok, "written"],
      [
        EXIT.failed,
        "not written, earlier output unchanged: the configuration is invalid, the security policy has an\n     unaccepted error, or the output cannot be written (no space, no permission, read-only)",
      ],
    ],
  },
  (_args, io: CommandIo) => (synthesizeAndReport(io) === undefined ? EXIT.failed : EXIT.ok),
);
