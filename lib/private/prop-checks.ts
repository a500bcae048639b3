import { Token, Tokenization } from "cdktf";
import { IConstruct } from "constructs";
import { InvalidPropsError } from "../invalid-props-error";
import { NameRule } from "../naming-rules";
import { ConfigProblem } from "./problems";

/**
 * Collects what is wrong with a construct's props, then fails once listing all of it. Each problem's
 * path is the construct's path and the prop (`stack/KeyVault.name`); its words are the rule's, the
 * same the configuration layer prints for the same value. Values known only at apply (cdktf tokens)
 * are skipped; in a string that mixes text and tokens, the text is checked as far as it can be.
 */
export class PropChecks {
  private readonly problems: ConfigProblem[] = [];

  private readonly path: string;

  /** @param id the id of the construct about to be made in `scope`, when the checks come before it */
  constructor(scope: IConstruct, id?: string) {
    this.path = id === undefined ? scope.node.path : `${scope.node.path}/${id}`;
  }

  /** Checks `value`, when given, against a naming rule. */
  public name(prop: string, value: string | undefined, rule: NameRule): void {
    if (value === undefined) return;
    const parts = knownParts(value);
    const problem = parts === undefined ? rule.problem(value) : rule.knownPartsProblem?.(parts);
    if (problem !== undefined) this.add({ prop, value, problem, fix: rule.fix, rule: rule.rule });
  }

  /** Checks that `value`, when given, is a whole number from `min` to `max`. */
  public wholeNumber(prop: string, value: number | undefined, min: number, max: number): void {
    if (value === undefined || Token.isUnresolved(value)) return;
    const fix = `give a whole number from ${min} to ${max}`;
    if (!Number.isInteger(value)) this.add({ prop, value, problem: "must be a whole number, not a number", fix });
    else if (value < min || value > max) this.add({ prop, value, problem: `is outside ${min}-${max}`, fix });
  }

  /** Records a problem with `prop`. */
  public add(problem: Omit<ConfigProblem, "path" | "source" | "resolved"> & { readonly prop: string }): void {
    const { prop, ...rest } = problem;
    this.problems.push({ path: `${this.path}.${prop}`, ...rest });
  }

  /** Throws an `InvalidPropsError` listing every problem recorded, if there is one. */
  public throwIfAny(): void {
    if (this.problems.length > 0) throw new InvalidPropsError(this.problems);
  }
}

/** Where Terraform starts reading an expression (`${`) or a directive (`%{`) in a string. */
const TEMPLATE_START = /[$%]\{/;

/**
 * The text of `value` known at synth, as the pieces between what is known only at apply; undefined
 * when all of it is known. Unknown are cdktf tokens, an element of a list token (which stands for the
 * whole value), and Terraform's own `${…}` and `%{…}` written into the string (`"kv-${random_id.s.hex}"`),
 * which Terraform evaluates: a piece is kept up to the first of them, as where one ends is not read here.
 */
function knownParts(value: string): string[] | undefined {
  if (Token.isUnresolved([value])) return [];
  const tokens = Token.isUnresolved(value);
  const literals = tokens ? Tokenization.reverseString(value).literals.map((literal) => String(literal)) : [value];
  if (!tokens && !TEMPLATE_START.test(value)) return undefined;
  return literals.map((literal) => {
    const start = literal.search(TEMPLATE_START);
    return start < 0 ? literal : literal.slice(0, start);
  });
}

