import { RULES } from "../lib/config/rules";
import { NAME_RULES, NameRuleId } from "../lib/naming-rules";

describe("naming rules", () => {
  test("are the very rules the configuration layer checks the file against", () => {
    for (const id of Object.keys(NAME_RULES) as NameRuleId[]) expect(RULES[id]).toBe(NAME_RULES[id]);
  });

  test.each([
    // rule, the parts known at synth, the problem
    ["keyVaultName", ["kv-", ""], undefined],
    ["keyVaultName", ["x".repeat(24)], undefined],
    ["keyVaultName", ["x".repeat(25)], "is at least 25 characters long without the parts known only at apply; it must be 3-24"],
    ["keyVaultName", ["x".repeat(13), "y".repeat(12)], "is at least 25 characters long without the parts known only at apply; it must be 3-24"],
    ["keyVaultName", ["kv_", ""], "contains a character other than letters, digits and '-'"],
    // Positions are not checked: a token may come first, so "-kv" may yet be "a-kv".
    ["keyVaultName", ["-kv"], undefined],
    ["resourceGroupName", ["rg-é(1)"], undefined],
    ["resourceGroupName", ["rg/1"], "contains a character other than letters, digits, '-', '_', '.', '(' and ')'"],
    ["identityName", ["id.a"], "contains a character other than letters, digits, '-' and '_'"],
    // A rule whose first pattern is not a character class checks only the length.
    ["nodePoolName", ["Pool"], undefined],
    ["namespace", ["Team-"], undefined],
    ["nodePoolName", ["p".repeat(13)], "is at least 13 characters long without the parts known only at apply; it must be 1-12"],
  ] as const)("%s with known parts %j: %s", (rule, parts, problem) => {
    expect(NAME_RULES[rule].knownPartsProblem?.(parts)).toBe(problem);
  });

  test("leave the image reference, which no part alone can break, to the full check", () => {
    expect(NAME_RULES.image.knownPartsProblem).toBeUndefined();
  });
});
