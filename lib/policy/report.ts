import { errorsOf, evaluatePolicy, ruleOutcomes } from "./engine";
import { recordedSuppressions } from "./record";
import { RULES } from "./rules";
import { checkedSuppressions } from "./suppressions";
import { PolicyResult, PolicyRule, RuleOutcome, Severity, Suppression } from "./types";
import { visible } from "../private/visible-text";

/** What `npm run policy` reads when given no path. */
export const DEFAULT_TF_JSON = "cdktf.out/stacks/aks-workload-identity/cdk.tf.json";

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
