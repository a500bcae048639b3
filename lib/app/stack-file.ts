import { ConfigError } from "../config/errors";
import { configurationFingerprint, recordedFingerprint } from "../config/fingerprint";
import { loadConfig } from "../config/load";
import { CONFIG_FILE_VARIABLE } from "../config/schema";
import { visible } from "../private/visible-text";

/**
 * What policy and diagram say about the stack file beyond reading it: whether it was synthesized
 * from the current configuration. Reading and checking the file is lib/terraform-json/stack-file.ts.
 */
export { readLine, readStackFile, StackFileError, stackShapeProblem } from "../terraform-json/stack-file";
export type { StackFile } from "../terraform-json/stack-file";

/**
 * A note when `tf` records a configuration fingerprint that is not the current configuration's:
 * the file is not what `npm run synth` would write now. Nothing when they match, or when the file
 * records none (synthesized by an older version, or in a test).
 */
export function configurationNote(tf: unknown, given: string, env: Readonly<Record<string, string | undefined>>, cwd: string): string | undefined {
  const recorded = recordedFingerprint(tf);
  if (recorded === undefined) return undefined;
  let current: string;
  try {
    current = configurationFingerprint(loadConfig({ env, cwd }).config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return `the current configuration is invalid (npm run config says why), so whether ${visible(given)} was synthesized from it is unknown`;
  }
  if (recorded === current) return undefined;
  const file = env[CONFIG_FILE_VARIABLE];
  const from = `the defaults${file ? `, ${CONFIG_FILE_VARIABLE}=${visible(file)}` : ""} and the environment`;
  return `${visible(given)} was synthesized from another configuration than the current one (${from}), or by another version of this project; run npm run synth to see the current one`;
}
