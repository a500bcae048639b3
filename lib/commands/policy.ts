import * as fs from "fs";
import * as path from "path";
import { configurationNote, readLine, readStackFile, StackFile, StackFileError } from "../app/stack-file";
import { ConfigError, formatProblem } from "../private/problems";
import { visible } from "../private/visible-text";
import { buildReport, DEFAULT_TF_JSON, formatReport, PolicyReport } from "../policy/report";
import { artifactUri, sarifLog } from "../policy/sarif";
import { CommandIo, defineCommand, EXIT, UsageError, Writer } from "./cli";

/** policy's own exit code: no error fails, but an error check waits on a value only Terraform knows. */
export const POLICY_EXIT_UNKNOWN = 3;

/** What policy reads and writes; without `env`, no note about the configuration the file came from. */
export interface PolicyIo {
  readonly cwd: string;
  /** GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_SHA, when set, link SARIF help to this commit's help/policy.md. */
  readonly env?: CommandIo["env"];
  readonly stdout: Writer;
  readonly stderr: Writer;
}

/**
 * `npm run policy`: evaluates a synthesized stack and prints the report. `--sarif` prints SARIF instead;
 * `--sarif=FILE` writes it to FILE (whole or not at all) and prints the report as usual.
 */
export const policyCommand = defineCommand(
  {
    name: "policy",
    usage: ["npm run policy -- [path to cdk.tf.json] [--json] [--sarif | --sarif=FILE]"],
    about: `Checks the synthesized stack (${DEFAULT_TF_JSON} unless a path is given)
against the security rules of help/policy.md, with the suppressions it was synthesized with, and
prints every check. It says on stderr which file it read, and when that file was synthesized from
another configuration than the current one.`,
    options: {
      json: { type: "boolean", help: "print the report as JSON" },
      sarif: { type: "boolean", inlineValue: "FILE", once: true, help: "print SARIF (GitHub code scanning) instead; --sarif=FILE writes it to FILE and prints the report" },
    },
    positionals: { name: "path", max: 1 },
    exits: [
      [EXIT.ok, "no unsuppressed error"],
      [EXIT.failed, "an unsuppressed error; or no report: the file is missing, unreadable, not a synthesized stack, or\n     records invalid suppressions, or --sarif=FILE cannot be written"],
      [POLICY_EXIT_UNKNOWN, "no error fails, but an error check is unknown until Terraform evaluates a value"],
    ],
  },
  ({ values, positionals }, io: PolicyIo) => {
    const { stdout, stderr } = io;
    const sarifFile = typeof values.sarif === "string" ? values.sarif : undefined;
    if (values.json && values.sarif === true) throw new UsageError("--json and --sarif both print to stdout; write SARIF with --sarif=FILE");
    const given = positionals[0] ?? DEFAULT_TF_JSON;
    if (sarifFile !== undefined && sameFile(path.resolve(io.cwd, sarifFile), path.resolve(io.cwd, given))) {
      throw new UsageError(`--sarif=${sarifFile} would overwrite the stack it reports on; name another file`);
    }
    const fail = (message: string) => {
      stderr.write(`policy: ${message}\n`);
      return EXIT.failed;
    };
    const absolute = path.resolve(io.cwd, given);
    let stack: StackFile;
    try {
      stack = readStackFile(absolute, given);
    } catch (error) {
      if (!(error instanceof StackFileError)) throw error;
      return fail(error.message);
    }
    stderr.write(`policy: ${readLine(absolute, stack)}\n`);
    const note = io.env === undefined ? undefined : configurationNote(stack.tf, given, io.env, io.cwd);
    if (note !== undefined) stderr.write(`policy: note: ${note}\n`);

    let report: PolicyReport;
    try {
      report = buildReport(given, stack.tf);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return fail(`${given} records invalid suppressions: ${error.problems.map(formatProblem).join(" | ")}`);
    }
    if (values.sarif !== undefined) {
      let text: string;
      try {
        text = fs.readFileSync(absolute, "utf8");
      } catch (error) {
        return fail(`${given} cannot be read again for SARIF locations (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      }
      const sarif = `${JSON.stringify(sarifLog(report, { text, uri: artifactUri(given, io.cwd) }, { docsUrl: docsUrl(io.env) }), null, 2)}\n`;
      if (sarifFile === undefined) {
        stdout.write(sarif);
        return exitCode(report);
      }
      const problem = writeWhole(path.resolve(io.cwd, sarifFile), sarif);
      if (problem) return fail(`cannot write ${visible(sarifFile)} (${problem})`);
    }
    stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return exitCode(report);
  },
);

/** The command as the tests and older callers call it: the arguments in the options. */
export function runPolicyReport(options: PolicyIo & { readonly args: readonly string[] }): number {
  return policyCommand(options.args, options);
}

function exitCode(report: PolicyReport): number {
  if (report.errors > 0) return EXIT.failed;
  return report.rows.some((r) => r.status === "unknown" && r.severity === "error") ? POLICY_EXIT_UNKNOWN : EXIT.ok;
}

/** help/policy.md at the commit a GitHub Actions run checked out; undefined elsewhere. */
function docsUrl(env: PolicyIo["env"]): string | undefined {
  const server = env?.GITHUB_SERVER_URL;
  const repository = env?.GITHUB_REPOSITORY;
  const sha = env?.GITHUB_SHA;
  if (!server || !repository || !sha) return undefined;
  if (!/^https:\/\/[\w.-]+(?::\d+)?\/?$/.test(server) || !/^[\w.-]+\/[\w.-]+$/.test(repository) || !/^[0-9a-f]{40,64}$/.test(sha)) return undefined;
  return `${server.replace(/\/$/, "")}/${repository}/blob/${sha}/help/policy.md`;
}

/** Writes through a temporary file renamed into place, so a reader never sees half a file; the error's code if it fails. */
function writeWhole(file: string, text: string): string | undefined {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
    return undefined;
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

/**
 * Whether two paths name one file: the same path, or (through a symlinked directory, a hard link or a
 * bind mount) the same device and inode. A path that does not exist yet names no existing file.
 */
function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    const [x, y] = [fs.statSync(a), fs.statSync(b)];
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}
