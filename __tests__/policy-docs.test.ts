import * as fs from "fs";
import * as path from "path";
import { ARTICLE_SUPPRESSIONS } from "../lib/policy/article-exceptions";
import { currentRuleTable, renderRuleTable, replaceRuleTable } from "../lib/policy/docs";
import { evaluatePolicy, ruleOutcomes } from "../lib/policy/engine";
import { RULES } from "../lib/policy/rules";
import { synthApp, withPlainStackTraces } from "./helpers";

/**
 * help/policy.md's rule table is generated from the rules, the article's suppressions and an
 * evaluation of both profiles. `POLICY_DOCS=write npx jest __tests__/policy-docs` rewrites it.
 */

const HELP = path.join(__dirname, "..", "help", "policy.md");

function outcomes(raw: unknown) {
  const tf = withPlainStackTraces(() => synthApp(raw).stack.toTerraform());
  return ruleOutcomes(evaluatePolicy(tf, ARTICLE_SUPPRESSIONS));
}

const expected = renderRuleTable({ article: outcomes({}), hardened: outcomes({ cluster: { localAccountsDisabled: true } }) });

test("help/policy.md lists every rule as the code defines it and the profiles fare", () => {
  if (process.env.POLICY_DOCS === "write") fs.writeFileSync(HELP, replaceRuleTable(fs.readFileSync(HELP, "utf8"), expected));
  expect(currentRuleTable(fs.readFileSync(HELP, "utf8"))).toBe(expected);
});

test("the table has one row per rule, in order, and every default suppression's reason", () => {
  const rows = expected.split("\n").slice(2);
  expect(rows.map((row) => /^\| `([^`]+)`/.exec(row)?.[1])).toEqual(RULES.map((r) => r.id));
  for (const { id, reason } of ARTICLE_SUPPRESSIONS) {
    expect(rows.find((row) => row.startsWith(`| \`${id}\``))).toContain(`| suppressed: ${reason} |`);
  }
});

test("the hardened column passes CKV_AZURE_141 and keeps the other exceptions", () => {
  const row = expected.split("\n").find((r) => r.startsWith("| `CKV_AZURE_141`"));
  expect(row?.split(" | ").slice(3, 5)).toEqual([`suppressed: ${ARTICLE_SUPPRESSIONS[0].reason}`, "passes"]);
  const sku = expected.split("\n").find((r) => r.startsWith("| `CKV_AZURE_170`"));
  expect(sku?.split(" | ")[4]).toBe("suppressed, for the same reason");
});

test("the rule table markers are required", () => {
  expect(() => currentRuleTable("# Security policy\n")).toThrow("help/policy.md has lost its table markers");
});
