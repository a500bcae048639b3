import { NAME_RULES, NameRule } from "../naming-rules";
import { patternRule } from "../private/pattern-rule";

export type { NameRule } from "../naming-rules";

/**
 * The rules of every configuration string with a rule: the constructs' naming rules
 * (lib/naming-rules.ts), the same objects, so that a value the file gives and the same value given
 * to a construct are refused with the same words; and the rules of what only the configuration
 * holds (the suffix, the backend). Values are checked after `{suffix}` is expanded.
 */
export const RULES = {
  ...NAME_RULES,
  suffix: patternRule({
    rule: "1-16 lowercase letters and digits (the article's `openssl rand -hex 3` gives 6 hex digits)",
    min: 1,
    max: 16,
    patterns: [[/^[a-z0-9]+$/, "is not lowercase letters and digits"]],
    fix: "use lowercase letters and digits, e.g. the output of `openssl rand -hex 3`, or remove it for a random suffix",
  }),
  storageAccountName: patternRule({
    rule: "3-24 lowercase letters and digits",
    min: 3,
    max: 24,
    patterns: [[/^[a-z0-9]+$/, "is not lowercase letters and digits"]],
    fix: "use 3-24 lowercase letters and digits, e.g. \"sttfstate7f3a9c\"",
  }),
  storageContainerName: patternRule({
    rule: "3-63 characters: lowercase letters, digits and single hyphens, starting and ending with a letter or digit",
    min: 3,
    max: 63,
    patterns: [
      [/^[a-z0-9-]+$/, "contains a character other than lowercase letters, digits and '-'"],
      [/^[a-z0-9](.*[a-z0-9])?$/, "does not start and end with a letter or digit"],
      [/^(?!.*--)/, "contains '--'"],
    ],
    fix: "use lowercase letters, digits and single hyphens, e.g. \"tfstate\"",
  }),
  stateKey: patternRule({
    rule: "1-1024 characters, not ending with '.' or '/'",
    min: 1,
    max: 1024,
    patterns: [[/[^./]$/, "ends with '.' or '/'"]],
    fix: "use a blob name such as \"aks-workload-identity.tfstate\"",
  }),
  hcpName: patternRule({
    rule: "1-90 letters, digits, '-' and '_'",
    min: 1,
    max: 90,
    patterns: [[/^[A-Za-z0-9_-]+$/, "contains a character other than letters, digits, '-' and '_'"]],
    fix: "use the name exactly as HCP Terraform shows it",
  }),
  pgSchemaName: patternRule({
    rule: "a PostgreSQL identifier: 1-63 lowercase letters, digits and '_', not starting with a digit",
    min: 1,
    max: 63,
    patterns: [[/^[a-z_][a-z0-9_]*$/, "is not a lowercase PostgreSQL identifier"]],
    fix: "use lowercase letters, digits and '_', e.g. \"terraform_remote_state\"",
  }),
} satisfies Record<string, NameRule>;

export type RuleId = keyof typeof RULES;

/**
 * Every configuration string lands in cdk.tf.json, where Terraform evaluates `${…}` and `%{…}`
 * (`$${` and `%%{` are its escapes, so they start a sequence too) and cdktf, before that, replaces
 * its token markers. A value containing one would run as an expression: `${file("/proc/self/environ")}`
 * in an image name puts the runner's environment, secrets included, into the plan. No name, path,
 * reason or reference here needs these sequences, so they are refused in every string of the schema.
 */
export const LITERAL_TEXT: NameRule = {
  rule: "literal text: no Terraform template sequence (`${`, `%{`) and no cdktf token marker (`#{TfToken[`, `&{TfToken[`)",
  fix: "remove the sequence: configuration values are written into Terraform as literal text, never as expressions",
  problem(value) {
    const found = EXPRESSION_STARTS.filter(([sequence]) => value.includes(sequence)).map(([sequence, what]) => `${JSON.stringify(sequence)} (${what})`);
    return found.length === 0 ? undefined : `contains ${found.join(" and ")}, which would be evaluated instead of taken literally`;
  },
};

const EXPRESSION_STARTS: ReadonlyArray<readonly [string, string]> = [
  ["${", "a Terraform interpolation"],
  ["%{", "a Terraform template directive"],
  ["#{TfToken[", "a cdktf list token"],
  ["&{TfToken[", "a cdktf map token"],
];
