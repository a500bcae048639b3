import * as path from "path";
import { evaluatePolicy, ruleOutcomes } from "../lib/policy/engine";
import { RULES, ruleCovering } from "../lib/policy/rules";
import { PolicyRule } from "../lib/policy/types";
import { PEER_CASES, PeerCase } from "./policy-peer-cases";

/**
 * Each mirrored rule against its peer's own test cases (__tests__/policy-peer-cases.ts): on every case
 * azurerm 4.x can express, the rule must give the peer's verdict. Where a rule deliberately differs
 * from its peer on input no peer case covers, help/policy.md says so.
 */

type Ours = "passed" | "failed" | "unknown";

function ruleFor(peerId: string): PolicyRule {
  const rule = RULES.find((r) => r.id === peerId) ?? ruleCovering(peerId);
  if (!rule) throw new Error(`no rule checks ${peerId}`);
  return rule;
}

/** Only the rule under test runs, on a stack holding only the case's resource. */
function verdict(c: PeerCase): Ours {
  if (!c.resource) throw new Error(`${c.peerId} ${c.name} is not expressible`);
  const rule = ruleFor(c.peerId);
  const tf = { resource: { [c.resource.type]: { Case: c.resource.body } } };
  const outcome = ruleOutcomes(evaluatePolicy(tf, [], [rule]), [rule]).get(rule.id);
  if (outcome !== "passed" && outcome !== "failed" && outcome !== "unknown") throw new Error(`${rule.id} did not check ${c.resource.type}: ${outcome}`);
  return outcome;
}

const expressible = PEER_CASES.filter((c) => c.resource !== undefined);
const inexpressible = PEER_CASES.filter((c) => c.resource === undefined);
const where = (c: PeerCase) => `${c.repository}@${c.commit.slice(0, 12)} ${c.fixture ?? c.file}`;

test.each(expressible.map((c) => [c.peerId, c.name, c.expected, c] as const))("%s %s: the peer expects %s", (_id, _name, expected, c) => {
  expect(verdict(c)).toBe(expected);
});

test("agreement with the peers is 100% on every case azurerm 4.x can express, counted in a table", () => {
  const rows = expressible.map((c) => ({ c, ours: verdict(c) }));
  const header = ["peer rule", "our rule", "case", "expected", "ours", "agrees", "written in"];
  const table = [
    header,
    ...rows.map(({ c, ours }) => [c.peerId, ruleFor(c.peerId).id, c.name, c.expected, ours, ours === c.expected ? "yes" : "NO", where(c)]),
    ...inexpressible.map((c) => [c.peerId, ruleFor(c.peerId).id, c.name, c.expected, "-", "n/a", `${where(c)}: ${c.inexpressible}`]),
  ];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const agreed = rows.filter(({ c, ours }) => ours === c.expected).length;
  const summary = `${agreed} of ${rows.length} expressible peer cases agree (${((100 * agreed) / rows.length).toFixed(0)}%); ${inexpressible.length} of ${PEER_CASES.length} cases use attributes azurerm 4.x does not have.`;
  // The table is the point of this test: reviewers read which cases were compared and on what.
  // eslint-disable-next-line no-console
  console.log([...table.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()), "", summary].join("\n"));
  expect(rows.filter(({ c, ours }) => ours !== c.expected).map(({ c, ours }) => `${c.peerId} ${c.name}: expected ${c.expected}, ours ${ours}`)).toEqual([]);
  expect([rows.length, inexpressible.length]).toEqual([64, 15]);
});

test("every public rule, and every public id it covers, is held to passing and failing cases of its peer", () => {
  const ids = RULES.filter((r) => r.source !== "AKSWI").flatMap((r) => [r.id, ...(r.covers ?? [])]);
  const verdicts = (id: string) => new Set(expressible.filter((c) => c.peerId === id).map((c) => c.expected));
  expect(ids.filter((id) => verdicts(id).size < 2)).toEqual([]);
  expect([...new Set(PEER_CASES.map((c) => c.peerId))].filter((id) => !ids.includes(id))).toEqual([]);
});

test("every case names the repository, file and commit it comes from, the one its rule was matched against", () => {
  for (const c of PEER_CASES) {
    const rule = ruleFor(c.peerId);
    expect([c.repository, c.commit]).toEqual([rule.peer?.repository, rule.peer?.commit]);
    expect(c.file).toMatch(/^[\w./-]+\.(py|go|rego)$/);
    // The case's files are the tests of the peer's definition the rule names (covered ids have their own).
    if (rule.id === c.peerId) expect(`${c.file} ${c.fixture ?? ""}`).toContain(path.basename(rule.peer?.path ?? "").replace(/\.(py|rego)$/, ""));
    expect(Boolean(c.resource) !== Boolean(c.inexpressible)).toBe(true);
  }
  const names = PEER_CASES.map((c) => `${c.peerId} ${c.file} ${c.fixture ?? ""} ${c.name}`);
  expect(new Set(names).size).toBe(names.length);
});
