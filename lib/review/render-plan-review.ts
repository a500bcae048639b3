/**
 * The plan review as GitHub-flavoured Markdown, within a size budget: a pull-request comment may hold
 * 65,536 characters, a job summary 1 MiB. Sections come in the order a reviewer needs them (risks,
 * access changes, federated credentials, the table of changes), and over budget they are cut in the
 * reverse order: each cut section keeps as many of its lines as fit, says how many it leaves out,
 * summarizes all of them by kind, and points to the full review.
 */
import { cell, code } from "../terraform-json/markdown";
import { AccessChange, ChangeRow, FederationChange, grantText, PlanReview, Risk, trustText } from "./plan-review";
import { naturalCompare } from "../terraform-json/address";

/** The first line of every review: the pull-request workflow finds its own comment by it. */
export const REVIEW_MARKER = "<!-- aks-wi-plan-review -->";

/** GitHub's limit for a comment body. */
export const COMMENT_LIMIT = 65536;
/** GitHub's limit for what one step writes to the job summary. */
export const SUMMARY_LIMIT = 1048576;
/** Below this, not even the headings and counts of a large plan fit. */
export const MIN_LIMIT = 4096;

export interface RenderOptions {
  /**
   * The most the review may take, in bytes of UTF-8, which is never fewer than the characters
   * (or UTF-16 units) GitHub counts.
   * @default - no limit: the full review
   */
  readonly maxBytes?: number;
  /**
   * The commit the plan is of (hexadecimal), named in the header.
   * @default - not named
   */
  readonly commit?: string;
  /**
   * The workflow run that made the plan (an https URL), linked from the header.
   * @default - not linked
   */
  readonly runUrl?: string;
  /**
   * Markdown of our own making saying where the full review is, for sections that are cut.
   * @default "the full review (`plan-review --full-out FILE`)"
   */
  readonly fullReview?: string;
  /**
   * Whether risks fail the check (`--fail-on-risk`), and who accepted them.
   * @default - the review says nothing about accepting risks
   */
  readonly riskGate?: { readonly failOnRisk: boolean; readonly acceptedBy?: string };
}

/** One section of the review: its lines, and how to summarize them when they do not all fit. */
interface Section {
  readonly title: string;
  /** What one item is, in the plural: "access changes". */
  readonly noun: string;
  /** Lines after the heading that are always kept (the risk gate). */
  readonly lead: readonly string[];
  readonly empty: string;
  /** Lines before the items when any is shown (a table's head). */
  readonly head: readonly string[];
  readonly items: readonly string[];
  /** Group label of each item, for the summary: "`azurerm_role_assignment`", "`Owner`". */
  readonly groups: readonly string[];
  /** Column of each item within its group: "create", "destroy". */
  readonly kinds: readonly string[];
  /** "By type and action", "By role and action". */
  readonly summaryTitle: string;
}

/** How much of a section is shown: every item, `shown` of them with a summary, or only a count. */
type Cut = { readonly shown: number; readonly summary: boolean } | "full";

/** Groups named in a summary; the rest are counted. */
const SUMMARY_GROUPS = 20;

export function renderPlanReview(review: PlanReview, options: RenderOptions = {}): string {
  const header = headerLines(review, options);
  const sections = [risksSection(review, options), accessSection(review), federationSection(review), changesSection(review)];
  const pointer = options.fullReview ?? "the full review (`plan-review --full-out FILE`)";
  const full = assemble(header, sections, sections.map(() => "full"), pointer);
  if (options.maxBytes === undefined || bytes(full) <= options.maxBytes) return full;
  return withinBudget(header, sections, pointer, options.maxBytes);
}

function headerLines(review: PlanReview, options: RenderOptions): string[] {
  const lines = [REVIEW_MARKER, "## Terraform plan review", ""];
  const facts: string[] = [];
  if (options.commit !== undefined) facts.push(`Commit ${code(options.commit)}`);
  if (options.runUrl !== undefined) facts.push(`[workflow run](${options.runUrl})`);
  if (review.terraformVersion !== undefined) facts.push(`Terraform ${code(review.terraformVersion, 64)}`);
  if (facts.length > 0) lines.push(`${facts.join(" · ")}`, "");
  if (review.errored) {
    lines.push(
      "**The plan failed.** Terraform stopped with errors (`errored: true`): below is only what it planned before them, and none of it can be applied. The errors are in the log of the step that ran `terraform plan`.",
      "",
    );
  }
  if (review.incomplete) {
    const deferred = review.counts.deferred;
    const which = deferred > 0 ? `${deferred} deferred change${deferred === 1 ? "" : "s"}` : "changes";
    lines.push(`**Incomplete plan.** Applying it leaves ${which} for a later plan (\`complete: false\`): after this apply, plan and review again.`, "");
  }
  lines.push(`${countsLine(review)}`, "");
  return lines;
}

function countsLine(review: PlanReview): string {
  const c = review.counts;
  const main = `Plan: ${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.destroy} to destroy`;
  const extra: string[] = [];
  if (c.import > 0) extra.push(`${c.import} to import`);
  if (c.forget > 0) extra.push(`${c.forget} to forget (removed from the state, left in Azure)`);
  if (c.move > 0) extra.push(`${c.move} moved`);
  if (c.read > 0) extra.push(`${c.read} data source${c.read === 1 ? "" : "s"} read during apply`);
  if (c.deferred > 0) extra.push(`${c.deferred} deferred`);
  return `${[main, ...extra].join(", ")}.`;
}

function risksSection(review: PlanReview, options: RenderOptions): Section {
  const lead: string[] = [];
  const gate = options.riskGate;
  if (gate && review.risks.length > 0) {
    if (gate.acceptedBy !== undefined) lead.push(`**Accepted** by ${code(gate.acceptedBy)} for this commit: these risks do not fail the check.`, "");
    else if (gate.failOnRisk) lead.push("**These risks fail the check** until a reviewer accepts them for this commit, as `help/plan-review.md` says.", "");
  }
  return {
    title: "Risks",
    noun: "risks",
    lead,
    empty: "No risks found.",
    head: [],
    items: review.risks.map(riskLine),
    groups: review.risks.map((r) => r.title),
    kinds: review.risks.map(() => ""),
    summaryTitle: "By kind",
  };
}

function riskLine(risk: Risk): string {
  return `- **${risk.title}.** ${risk.message}`;
}

function accessSection(review: PlanReview): Section {
  return {
    title: "Access changes",
    noun: "access changes",
    lead: [],
    empty: "No role assignments change.",
    head: [],
    items: review.accessChanges.map(accessLine),
    groups: review.accessChanges.map((a) => a.role),
    kinds: review.accessChanges.map((a) => a.action),
    summaryTitle: "By role and action",
  };
}

function accessLine(access: AccessChange): string {
  const what = { create: "create", import: "import", update: "update", replace: "replace", destroy: "destroy", forget: "forget (stays in Azure)" }[access.action];
  const was = access.was ? `, was ${grantText(access.was)}` : "";
  return `- ${what}: ${grantText(access)}${was} — ${code(access.address)}`;
}

function federationSection(review: PlanReview): Section {
  return {
    title: "Federated credentials",
    noun: "federated credential changes",
    lead: [],
    empty: "No federated identity credentials change.",
    head: [],
    items: review.federations.map(federationLine),
    groups: review.federations.map((f) => f.issuer),
    kinds: review.federations.map((f) => f.action),
    summaryTitle: "By issuer and action",
  };
}

function federationLine(federation: FederationChange): string {
  const what = federation.action === "forget" ? "forget (stays in Azure)" : federation.action;
  const was = federation.was ? ` (was: ${trustText(federation.was)})` : "";
  return `- ${what}: ${trustText(federation)}, credential ${federation.credential}${was} — ${code(federation.address)}`;
}

function changesSection(review: PlanReview): Section {
  return {
    title: "Changes",
    noun: "changes",
    lead: [],
    empty: "No resources change.",
    head: ["| Action | Resource | Name | Changed attributes | Notes |", "| --- | --- | --- | --- | --- |"],
    items: review.changes.map(changeLine),
    groups: review.changes.map((c) => code(c.type)),
    kinds: review.changes.map((c) => (c.deferred ? `${c.action} (deferred)` : c.action)),
    summaryTitle: "By type and action",
  };
}

function changeLine(row: ChangeRow): string {
  const changed = row.changed.map((attribute) => (row.forcesReplacement.includes(attribute) ? `${code(attribute)} (forces replacement)` : code(attribute)));
  const action = row.deferred ? `${row.action} (deferred)` : row.action;
  return `| ${action} | ${cell(code(row.address))} | ${cell(row.name ?? "")} | ${cell(changed.join(", "))} | ${cell(row.notes.join("; "))} |`;
}

/** `By type and action: \`azurerm_role_assignment\` (5000 create, 1 destroy), …` */
function summaryLine(section: Section): string {
  const groups = new Map<string, Map<string, number>>();
  section.items.forEach((_, i) => {
    const kinds = groups.get(section.groups[i]) ?? new Map<string, number>();
    kinds.set(section.kinds[i], (kinds.get(section.kinds[i]) ?? 0) + 1);
    groups.set(section.groups[i], kinds);
  });
  const total = (kinds: Map<string, number>) => [...kinds.values()].reduce((a, b) => a + b, 0);
  const ordered = [...groups.entries()].sort((a, b) => total(b[1]) - total(a[1]) || naturalCompare(a[0], b[0]));
  const shown = ordered.slice(0, SUMMARY_GROUPS).map(([label, kinds]) => {
    const counts = [...kinds.entries()].sort((a, b) => naturalCompare(a[0], b[0])).map(([kind, n]) => (kind === "" ? String(n) : `${n} ${kind}`));
    return `${label} (${counts.join(", ")})`;
  });
  const rest = ordered.length - shown.length;
  return `${section.summaryTitle}: ${shown.join(", ")}${rest > 0 ? `, and ${rest} more group${rest === 1 ? "" : "s"}` : ""}.`;
}

/** The lines of a section, cut as `cut` says; `summary` is the section's summary line, made once. */
function sectionLines(section: Section, cut: Cut, pointer: string, summary = () => summaryLine(section)): string[] {
  const lines = [...fixedLines(section, cut, pointer, summary)];
  if (cut === "full" || section.items.length === 0) return lines;
  // Items go after the table head, before the blank line that ends them.
  const at = lines.indexOf(ITEMS);
  if (at < 0) return lines;
  return [...lines.slice(0, at), ...section.items.slice(0, cut.shown), ...lines.slice(at + 1)];
}

/** Stands for the items among a section's lines. */
const ITEMS = "\u0000items";

/** A section's lines with `ITEMS` where its items go. */
function fixedLines(section: Section, cut: Cut, pointer: string, summary: () => string): string[] {
  const total = section.items.length;
  const lines = [`### ${section.title} (${total})`, "", ...section.lead];
  if (total === 0) return [...lines, section.empty, ""];
  if (cut === "full") return [...lines, ...section.head, ...section.items, ""];
  if (cut.summary) lines.push(`Showing ${cut.shown} of ${total}; all are in ${pointer}. ${summary()}`, "");
  if (cut.shown > 0) lines.push(...section.head, ITEMS, "");
  lines.push(`${total - cut.shown} more ${section.noun} not shown here: see ${pointer}.`, "");
  return lines;
}

function assemble(header: readonly string[], sections: readonly Section[], cuts: readonly Cut[], pointer: string, summaries?: readonly (() => string)[]): string {
  return [...header, ...sections.flatMap((s, i) => sectionLines(s, cuts[i], pointer, summaries?.[i]))].join("\n");
}

/**
 * Cuts sections until the review fits: first every section down to its summary and count, then
 * the summaries from the lowest priority up while it still does not fit, then gives back lines in
 * priority order (risks, access changes, federated credentials, changes), each section whole when
 * it fits whole, and none after the first that does not. Sizes come from the lines' byte lengths,
 * so this is linear in the plan's size.
 */
function withinBudget(header: readonly string[], sections: readonly Section[], pointer: string, maxBytes: number): string {
  // Every line is followed by "\n" but the last, so a review's size is the sum of its lines' sizes plus one each, minus one.
  const size = (lines: readonly string[]) => lines.reduce((n, line) => n + bytes(line) + 1, 0);
  const summaries = sections.map((section) => {
    let line: string | undefined;
    return () => (line ??= summaryLine(section));
  });
  const itemSizes = sections.map((s) => {
    const prefix = [0];
    for (const item of s.items) prefix.push(prefix[prefix.length - 1] + bytes(item) + 1);
    return prefix;
  });
  const sectionSize = (i: number, cut: Cut): number => {
    if (cut === "full") return size(sectionLines(sections[i], cut, pointer));
    const fixed = fixedLines(sections[i], cut, pointer, summaries[i]).filter((line) => line !== ITEMS);
    return size(fixed) + itemSizes[i][cut.shown];
  };
  const cuts: Cut[] = sections.map((s) => (s.items.length === 0 ? "full" : { shown: 0, summary: true }));
  const sizes = cuts.map((cut, i) => sectionSize(i, cut));
  const headerSize = size(header);
  const total = () => headerSize + sizes.reduce((a, b) => a + b, 0) - 1;
  for (let i = sections.length - 1; i >= 0 && total() > maxBytes; i--) {
    if (cuts[i] === "full") continue;
    cuts[i] = { shown: 0, summary: false };
    sizes[i] = sectionSize(i, cuts[i]);
  }
  if (total() > maxBytes) throw new Error(`the plan review's headings and counts alone take ${total()} bytes, over the limit of ${maxBytes}`);
  // A section gets lines only while every section before it is whole: what matters more is never cut for what matters less.
  let before = true;
  sections.forEach((section, i) => {
    const cut = cuts[i];
    if (cut === "full" || !before) return;
    const room = maxBytes - total();
    const whole = size(sectionLines(section, "full", pointer));
    if (whole - sizes[i] <= room) {
      cuts[i] = "full";
      sizes[i] = whole;
      return;
    }
    // The most items that fit: a section's size grows with the items shown, so a binary search finds it.
    let low = 0;
    let high = section.items.length - 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (sectionSize(i, { ...cut, shown: mid }) - sizes[i] <= room) low = mid;
      else high = mid - 1;
    }
    cuts[i] = { ...cut, shown: low };
    sizes[i] = sectionSize(i, cuts[i]);
    before = false;
  });
  const text = assemble(header, sections, cuts, pointer, summaries);
  // The sizes above are exact; this guards the arithmetic, not the input.
  if (bytes(text) > maxBytes) throw new Error(`the plan review came out at ${bytes(text)} bytes, over the limit of ${maxBytes}`);
  return text;
}

function bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
