import * as fs from "fs";
import * as path from "path";
import { ConfigError, formatProblem } from "../config/errors";
import { ARTICLE_SUPPRESSIONS } from "./article-exceptions";
import { errorsOf, evaluatePolicy, ruleOutcomes } from "./engine";
import { recordedSuppressions } from "./record";
import { RULES } from "./rules";
import { checkedSuppressions } from "./suppressions";
import { PolicyResult, PolicyRule, RuleOutcome, Severity, Suppression } from "./types";
import { visible } from "../private/visible-text";

/** What `npm run policy` reads when given no path. */
export const DEFAULT_TF_JSON = "cdktf.out/stacks/aks-workload-identity/cdk.tf.json";

/** Exit codes: 0 no unsuppressed error, 1 unsuppressed errors, 2 the report could not be made. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_UNUSABLE = 2;

export type CheckStatus = "failed" | "suppressed" | "passed";

/** One rule on one resource, as the report lists it. */
export interface ReportRow {
  readonly id: string;
  readonly severity: Severity;
  readonly status: CheckStatus;
  /** Construct path of the resource. */
  readonly path: string;
  readonly address: string;
  readonly title: string;
  /** What broke the rule, for failed and suppressed checks. */
  readonly found?: string;
  readonly fix?: string;
  /** Why the failure is accepted, for suppressed checks. */
  readonly reason?: string;
}

export interface PolicyReport {
  readonly file: string;
  /** `recorded`: the suppressions synthesis used, from the file; `article`: ARTICLE_SUPPRESSIONS, as none were recorded. */
  readonly suppressionsFrom: "recorded" | "article";
  readonly rows: readonly ReportRow[];
  readonly rules: ReadonlyArray<{ readonly id: string; readonly outcome: RuleOutcome }>;
  readonly unusedSuppressions: readonly Suppression[];
  readonly errors: number;
  readonly warnings: number;
}

/** The checks of `result` in rule order, then resource order. */
export function reportRows(result: PolicyResult, rules: readonly PolicyRule[] = RULES): ReportRow[] {
  const rows: ReportRow[] = [];
  for (const rule of rules) {
    for (const f of result.findings.filter((x) => x.ruleId === rule.id)) {
      rows.push({ id: f.ruleId, severity: f.severity, status: "failed", path: f.path, address: f.address, title: f.title, found: f.found, fix: f.fix });
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

/** Builds the report of a synthesized stack's JSON, with the suppressions it records or else the article's. */
export function buildReport(file: string, tfJson: unknown): PolicyReport {
  const recorded = recordedSuppressions(tfJson);
  const suppressions = recorded === undefined ? ARTICLE_SUPPRESSIONS : checkedSuppressions(recorded, { path: `${file}: //.metadata.policy.suppressions` });
  const result = evaluatePolicy(tfJson, suppressions);
  return {
    file,
    suppressionsFrom: recorded === undefined ? "article" : "recorded",
    rows: reportRows(result),
    rules: [...ruleOutcomes(result)].map(([id, outcome]) => ({ id, outcome })),
    unusedSuppressions: result.unusedSuppressions,
    errors: errorsOf(result).length,
    warnings: result.findings.length - errorsOf(result).length,
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
  const reasons = new Map(report.rows.filter((r) => r.status === "suppressed").map((r) => [r.id, r.reason]));
  if (reasons.size > 0) {
    out.push("", "Suppressed:");
    for (const [id, reason] of reasons) out.push(visible(`  ${id}: ${reason}`));
  }
  if (report.suppressionsFrom === "article") {
    out.push("", `${report.file} records no suppressions (it was synthesized without the policy), so the article's defaults were used.`);
  } else if (report.unusedSuppressions.length > 0) {
    // Only recorded ones: the configuration's list is what the reader can change.
    out.push("", `Unused suppressions (nothing fails them; remove them from policy.suppressions): ${report.unusedSuppressions.map((s) => s.id).join(", ")}`);
  }
  const count = (outcome: RuleOutcome) => report.rules.filter((r) => r.outcome === outcome).length;
  out.push(
    "",
    `${report.rules.length} rules: ${count("passed")} passed, ${count("suppressed")} suppressed, ${count("failed")} failed, ${count("not applicable")} not applicable. ` +
      `${report.errors} unsuppressed ${report.errors === 1 ? "error" : "errors"}, ${report.warnings} ${report.warnings === 1 ? "warning" : "warnings"}.`,
  );
  return `${out.join("\n")}\n`;
}

export interface RunPolicyReportOptions {
  /** Command-line arguments after the script: `[path] [--json]`. */
  readonly args: readonly string[];
  readonly cwd: string;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

const USAGE = "usage: npm run policy -- [path to cdk.tf.json] [--json]";

/**
 * `npm run policy`: evaluates a synthesized stack and prints the report.
 * @returns 0, 1 when an error finding is not suppressed, 2 when the file cannot be used (one line on stderr)
 */
export function runPolicyReport(options: RunPolicyReportOptions): number {
  const { stdout, stderr } = options;
  const json = options.args.includes("--json");
  const unknown = options.args.filter((a) => a.startsWith("-") && a !== "--json");
  const paths = options.args.filter((a) => !a.startsWith("-"));
  if (unknown.length > 0 || paths.length > 1) {
    stderr.write(`policy: ${unknown.length > 0 ? `unknown option ${unknown[0]}` : "give one path"}; ${USAGE}\n`);
    return EXIT_UNUSABLE;
  }
  const given = paths[0] ?? DEFAULT_TF_JSON;
  const tfJson = readJson(path.resolve(options.cwd, given), given, stderr);
  if (tfJson === undefined) return EXIT_UNUSABLE;

  let report: PolicyReport;
  try {
    report = buildReport(given, tfJson);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    stderr.write(`policy: ${given} records invalid suppressions: ${error.problems.map(formatProblem).join(" | ")}\n`);
    return EXIT_UNUSABLE;
  }
  stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return report.errors > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/** The parsed file, or undefined after one line on stderr saying why it cannot be read. */
function readJson(absolute: string, given: string, stderr: { write(text: string): unknown }): unknown {
  let text: string;
  try {
    text = fs.readFileSync(absolute, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "does not exist; run `npm run synth` first, or name a cdk.tf.json"
        : code === "EISDIR"
          ? "is a directory; name the cdk.tf.json inside it"
          : `cannot be read (${code ?? String(error)})`;
    stderr.write(`policy: ${given} ${why}\n`);
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return parsed;
    stderr.write(`policy: ${given} is not a Terraform JSON configuration (an object)\n`);
  } catch (error) {
    stderr.write(`policy: ${given} is not valid JSON (${(error as Error).message})\n`);
  }
  return undefined;
}
