import * as fs from "fs";
import * as path from "path";
import { ConfigError, formatProblem } from "../private/problems";
import { errorsOf, evaluatePolicy, ruleOutcomes } from "./engine";
import { recordedSuppressions } from "./record";
import { RULES } from "./rules";
import { artifactUri, sarifLog } from "./sarif";
import { checkedSuppressions } from "./suppressions";
import { PolicyResult, PolicyRule, RuleOutcome, Severity, Suppression } from "./types";
import { visible } from "../private/visible-text";
import { configurationNote, readLine, readStackFile, StackFile, StackFileError } from "../app/stack-file";

/** What `npm run policy` reads when given no path. */
export const DEFAULT_TF_JSON = "cdktf.out/stacks/aks-workload-identity/cdk.tf.json";

/**
 * Exit codes: 0 no unsuppressed error, 1 unsuppressed errors, 2 the report could not be made, 3 no
 * unsuppressed error fails but one is unknown until Terraform evaluates a value it turns on.
 */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_UNUSABLE = 2;
export const EXIT_UNKNOWN = 3;

export type CheckStatus = "failed" | "unknown" | "suppressed" | "passed";

/** One rule on one resource, as the report lists it. */
export interface ReportRow {
  readonly id: string;
  readonly severity: Severity;
  readonly status: CheckStatus;
  /** Construct path of the resource. */
  readonly path: string;
  readonly address: string;
  readonly title: string;
  /** What broke the rule, for failed and suppressed checks; the value it waits on, for unknown ones. */
  readonly found?: string;
  readonly fix?: string;
  /** Why the failure is accepted, for suppressed checks. */
  readonly reason?: string;
}

export interface PolicyReport {
  readonly file: string;
  /** `recorded`: the suppressions synthesis used, from the file; `article`: ARTICLE_SUPPRESSIONS, as none were recorded. */
  /** `none`: the file records no suppressions, so none are accepted (it fails closed). */
  readonly suppressionsFrom: "recorded" | "none";
  readonly rows: readonly ReportRow[];
  readonly rules: ReadonlyArray<{ readonly id: string; readonly outcome: RuleOutcome }>;
  readonly unusedSuppressions: readonly Suppression[];
  readonly errors: number;
  readonly warnings: number;
  /** Unsuppressed checks that are unknown until Terraform evaluates a value. */
  readonly unknown: number;
}

/** The checks of `result` in rule order, then resource order. */
export function reportRows(result: PolicyResult, rules: readonly PolicyRule[] = RULES): ReportRow[] {
  const rows: ReportRow[] = [];
  for (const rule of rules) {
    for (const f of result.findings.filter((x) => x.ruleId === rule.id)) {
      rows.push({ id: f.ruleId, severity: f.severity, status: "failed", path: f.path, address: f.address, title: f.title, found: f.found, fix: f.fix });
    }
    for (const u of result.unknown.filter((x) => x.ruleId === rule.id)) {
      rows.push({ id: u.ruleId, severity: u.severity, status: "unknown", path: u.path, address: u.address, title: u.title, found: u.found, fix: u.fix });
    }
    for (const s of result.suppressed.filter((x) => x.ruleId === rule.id)) {
      rows.push({ id: s.ruleId, severity: s.severity, status: "suppressed", path: s.path, address: s.address, title: s.title, found: s.found, reason: s.reason });
    }
    for (const p of result.passed.filter((x) => x.ruleId === rule.id)) {
      rows.push({ id: p.ruleId, severity: p.severity, status: "passed", path: p.path, address: p.address, title: p.title });
    }
  }
  return rows;
}

/**
 * Builds the report of a synthesized stack's JSON, with the suppressions it records. A file that
 * records none (hand-made, or with the record removed) gets none: assuming the article's would let
 * a stripped file pass with sixteen errors accepted.
 */
export function buildReport(file: string, tfJson: unknown): PolicyReport {
  const recorded = recordedSuppressions(tfJson);
  const suppressions = recorded === undefined ? [] : checkedSuppressions(recorded, { path: `${file}: //.metadata.policy.suppressions` });
  const result = evaluatePolicy(tfJson, suppressions);
  return {
    file,
    suppressionsFrom: recorded === undefined ? "none" : "recorded",
    rows: reportRows(result),
    rules: [...ruleOutcomes(result)].map(([id, outcome]) => ({ id, outcome })),
    unusedSuppressions: result.unusedSuppressions,
    errors: errorsOf(result).length,
    warnings: result.findings.length - errorsOf(result).length,
    unknown: result.unknown.length,
  };
}

/** The report as a fixed-width table, the failures' fixes, the reasons of the suppressions used, and a summary. */
export function formatReport(report: PolicyReport): string {
  const header = { id: "id", severity: "severity", status: "status", path: "resource", title: "title" };
  const lines = [header, ...report.rows];
  const width = (key: "id" | "severity" | "status" | "path") => Math.max(...lines.map((row) => row[key].length));
  const widths = { id: width("id"), severity: width("severity"), status: width("status"), path: width("path") };
  const row = (r: typeof header) => `${r.id.padEnd(widths.id)}  ${r.severity.padEnd(widths.severity)}  ${r.status.padEnd(widths.status)}  ${r.path.padEnd(widths.path)}  ${r.title}`;
  // Every row is one line, whatever the synthesized file holds (a path, a reason, a found value).
  const out = lines.map((r) => visible(row(r).trimEnd()));

  const failed = report.rows.filter((r) => r.status === "failed");
  if (failed.length > 0) {
    out.push("", "Failed:");
    for (const r of failed) out.push(visible(`  ${r.severity === "error" ? "error  " : "warning"} ${r.id} ${r.path}: ${r.found}; ${r.fix}`));
  }
  const unknown = report.rows.filter((r) => r.status === "unknown");
  if (unknown.length > 0) {
    out.push("", "Unknown until Terraform evaluates the value (not failed; check the plan):");
    for (const r of unknown) out.push(visible(`  ${r.severity === "error" ? "error  " : "warning"} ${r.id} ${r.path}: ${r.found}; ${r.fix}`));
  }
  const reasons = new Map(report.rows.filter((r) => r.status === "suppressed").map((r) => [r.id, r.reason]));
  if (reasons.size > 0) {
    out.push("", "Suppressed:");
    for (const [id, reason] of reasons) out.push(visible(`  ${id}: ${reason}`));
  }
  if (report.suppressionsFrom === "none") {
    out.push("", `${report.file} records no suppressions (it was not written by npm run synth), so none were accepted: every rule is enforced.`);
  } else if (report.unusedSuppressions.length > 0) {
    // Only recorded ones: the configuration's list is what the reader can change.
    out.push("", `Unused suppressions (nothing fails them; remove them from policy.suppressions): ${report.unusedSuppressions.map((s) => s.id).join(", ")}`);
  }
  const count = (outcome: RuleOutcome) => report.rules.filter((r) => r.outcome === outcome).length;
  out.push(
    "",
    `${report.rules.length} rules: ${count("passed")} passed, ${count("suppressed")} suppressed, ${count("failed")} failed, ${count("unknown")} unknown, ${count("not applicable")} not applicable. ` +
      `${report.errors} unsuppressed ${report.errors === 1 ? "error" : "errors"}, ${report.warnings} ${report.warnings === 1 ? "warning" : "warnings"}, ${report.unknown} unknown.`,
  );
  return `${out.join("\n")}\n`;
}

export interface RunPolicyReportOptions {
  /** Command-line arguments after the script: `[path] [--json] [--sarif | --sarif=FILE]`. */
  readonly args: readonly string[];
  readonly cwd: string;
  /** GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_SHA, when set, link SARIF help to this commit's help/policy.md. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

const USAGE = "usage: npm run policy -- [path to cdk.tf.json] [--json] [--sarif | --sarif=FILE] [--help]";

export const POLICY_HELP = `${USAGE}

Checks the synthesized stack (${DEFAULT_TF_JSON} unless a path is given) against the security
rules of help/policy.md, with the suppressions it was synthesized with, and prints every check.
It says which file it read, and when that file was synthesized from another configuration than
the current one. --json prints the report as JSON; --sarif prints SARIF, --sarif=FILE writes it.

exit codes:
  0  no unsuppressed error
  1  an unsuppressed error finding
  2  no report: bad arguments, or the file is missing, unreadable or not a synthesized stack
  3  no error fails, but an error check is unknown until Terraform evaluates a value
`;

/**
 * `npm run policy`: evaluates a synthesized stack and prints the report. `--sarif` prints SARIF instead;
 * `--sarif=FILE` writes it to FILE (whole or not at all) and prints the report as usual.
 * @returns 0; 1 when an error finding is not suppressed; 2 when the file cannot be used (one line on
 *   stderr); 3 when none fails but an error check is unknown until Terraform evaluates a value
 */
export function runPolicyReport(options: RunPolicyReportOptions): number {
  const { stdout, stderr } = options;
  if (options.args.includes("--help") || options.args.includes("-h")) {
    stdout.write(POLICY_HELP);
    return EXIT_OK;
  }
  const json = options.args.includes("--json");
  const sarifArgs = options.args.filter((a) => a === "--sarif" || a.startsWith("--sarif="));
  const sarifFile = sarifArgs[0]?.startsWith("--sarif=") ? sarifArgs[0].slice("--sarif=".length) : undefined;
  const unknown = options.args.filter((a) => a.startsWith("-") && a !== "--json" && !sarifArgs.includes(a));
  const paths = options.args.filter((a) => !a.startsWith("-"));
  const clash = sarifArgs.length > 1 ? "give --sarif once" : sarifFile === "" ? "--sarif= needs a file name" : json && sarifArgs[0] === "--sarif" ? "--json and --sarif both print to stdout; write SARIF with --sarif=FILE" : undefined;
  if (unknown.length > 0 || paths.length > 1 || clash) {
    stderr.write(`policy: ${unknown.length > 0 ? `unknown option ${unknown[0]}` : (clash ?? "give one path")}; ${USAGE}\n`);
    return EXIT_UNUSABLE;
  }
  const given = paths[0] ?? DEFAULT_TF_JSON;
  if (sarifFile !== undefined && sameFile(path.resolve(options.cwd, sarifFile), path.resolve(options.cwd, given))) {
    stderr.write(`policy: --sarif=${sarifFile} would overwrite the stack it reports on; name another file\n`);
    return EXIT_UNUSABLE;
  }
  const absolute = path.resolve(options.cwd, given);
  let stack: StackFile;
  try {
    stack = readStackFile(absolute, given);
  } catch (error) {
    if (!(error instanceof StackFileError)) throw error;
    stderr.write(`policy: ${error.message}\n`);
    return EXIT_UNUSABLE;
  }
  const tfJson = stack.tf;
  stderr.write(`policy: ${readLine(absolute, stack)}\n`);
  const note = options.env === undefined ? undefined : configurationNote(tfJson, given, options.env, options.cwd);
  if (note !== undefined) stderr.write(`policy: note: ${note}\n`);

  let report: PolicyReport;
  try {
    report = buildReport(given, tfJson);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    stderr.write(`policy: ${given} records invalid suppressions: ${error.problems.map(formatProblem).join(" | ")}\n`);
    return EXIT_UNUSABLE;
  }
  if (sarifArgs.length > 0) {
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(options.cwd, given), "utf8");
    } catch (error) {
      stderr.write(`policy: ${given} cannot be read again for SARIF locations (${(error as NodeJS.ErrnoException).code ?? String(error)})\n`);
      return EXIT_UNUSABLE;
    }
    const sarif = `${JSON.stringify(sarifLog(report, { text, uri: artifactUri(given, options.cwd) }, { docsUrl: docsUrl(options.env) }), null, 2)}\n`;
    if (sarifFile === undefined) {
      stdout.write(sarif);
      return exitCode(report);
    }
    const problem = writeWhole(path.resolve(options.cwd, sarifFile), sarif);
    if (problem) {
      stderr.write(`policy: cannot write ${sarifFile} (${problem})\n`);
      return EXIT_UNUSABLE;
    }
  }
  stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return exitCode(report);
}

function exitCode(report: PolicyReport): number {
  if (report.errors > 0) return EXIT_FINDINGS;
  return report.rows.some((r) => r.status === "unknown" && r.severity === "error") ? EXIT_UNKNOWN : EXIT_OK;
}

/** help/policy.md at the commit a GitHub Actions run checked out; undefined elsewhere. */
function docsUrl(env: RunPolicyReportOptions["env"]): string | undefined {
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
