import { cell, code } from "../terraform-json/markdown";
import { ARTICLE_SUPPRESSIONS } from "./article-exceptions";
import { RULES } from "./rules";
import { PolicyRule, RuleOutcome, Suppression } from "./types";

/** help/policy.md holds the generated rule table between these two lines. */
export const RULE_TABLE_START = "<!-- policy-rules:start: generated from lib/policy by __tests__/policy-docs.test.ts; do not edit -->";
export const RULE_TABLE_END = "<!-- policy-rules:end -->";

/** How each rule fared on the two profiles, from `ruleOutcomes`. */
export interface ProfileOutcomes {
  /** The default configuration (the article's setup) with ARTICLE_SUPPRESSIONS. */
  readonly article: ReadonlyMap<string, RuleOutcome>;
  /** `cluster.localAccountsDisabled: true`, with the same suppressions. */
  readonly hardened: ReadonlyMap<string, RuleOutcome>;
}

function idCell(rule: PolicyRule): string {
  const origin = rule.source === "AKSWI" ? "ours" : rule.source;
  const also = rule.covers?.length ? `; also ${rule.covers.map((id) => code(id)).join(", ")}` : "";
  return `${code(rule.id)} (${origin}${also})`;
}

function checksCell(rule: PolicyRule): string {
  const attributes = rule.attribute.split(",").map((a) => code(a.trim()));
  return `${rule.title}. Reads ${attributes.join(", ")} of ${rule.resourceTypes.map((type) => code(type)).join(" or ")}.`;
}

function outcomeCell(outcome: RuleOutcome | undefined, reason: string | undefined, sameAsArticle: boolean): string {
  switch (outcome) {
    case "passed":
      return "passes";
    case "suppressed":
      return sameAsArticle ? "suppressed, for the same reason" : `suppressed: ${reason ?? "(no reason)"}`;
    case "failed":
      return "**fails**";
    case "unknown":
      return "unknown until Terraform evaluates it";
    default:
      return "not applicable";
  }
}

/** The markdown table of every rule: what it checks, how each profile fares and why the rule matters. */
export function renderRuleTable(outcomes: ProfileOutcomes, suppressions: readonly Suppression[] = ARTICLE_SUPPRESSIONS, rules: readonly PolicyRule[] = RULES): string {
  const reasons = new Map(suppressions.map((s) => [s.id, s.reason]));
  const lines = [
    "| rule | checks | severity | default (the article) | hardened (`cluster.localAccountsDisabled: true`) | why it matters |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const rule of rules) {
    const article = outcomes.article.get(rule.id);
    const hardened = outcomes.hardened.get(rule.id);
    const reason = reasons.get(rule.id);
    lines.push(
      `| ${[
        idCell(rule),
        checksCell(rule),
        rule.severity,
        outcomeCell(article, reason, false),
        outcomeCell(hardened, reason, article === "suppressed"),
        rule.rationale,
      ]
        .map(cell)
        .join(" | ")} |`,
    );
  }
  return lines.join("\n");
}

/** `markdown` with the text between the table markers replaced by `table`. */
export function replaceRuleTable(markdown: string, table: string): string {
  const start = markdown.indexOf(RULE_TABLE_START);
  const end = markdown.indexOf(RULE_TABLE_END);
  if (start < 0 || end < start) throw new Error(`help/policy.md has lost its table markers: restore ${RULE_TABLE_START} and ${RULE_TABLE_END}`);
  return `${markdown.slice(0, start + RULE_TABLE_START.length)}\n${table}\n${markdown.slice(end)}`;
}

/** The table currently between the markers. */
export function currentRuleTable(markdown: string): string {
  const start = markdown.indexOf(RULE_TABLE_START);
  const end = markdown.indexOf(RULE_TABLE_END);
  if (start < 0 || end < start) throw new Error(`help/policy.md has lost its table markers: restore ${RULE_TABLE_START} and ${RULE_TABLE_END}`);
  return markdown.slice(start + RULE_TABLE_START.length, end).trim();
}
