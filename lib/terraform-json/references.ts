import { InstanceKey, readIndex } from "./address";
import { isObject } from "./json";

/**
 * References in Terraform: what `${…}` in synthesized JSON and the `references` of a plan's
 * configuration name. One parser for both, so that policy, the diagram and the plan review agree
 * on what `data.x.y`, `x.y[0].z`, `x.y["k"]`, `module.m.out`, `lookup(x.y.id, …)` and `$${` mean.
 *
 * A JSON string is a template: text with `${expression}` interpolations and `%{…}` directives, where
 * `$${` and `%%{` stand for a literal `${` and `%{`. Inside an expression, a string literal is a
 * template again, so `${"a-${x.y.name}"}` refers to `x.y`.
 */

/** Steps into a value: attribute names and list indexes or map keys. */
export type Path = readonly (string | number)[];

/** One step of a traversal: a name (`.id`) or an index (`[0]`, `["k"]`). */
export type Step = string | { readonly key: InstanceKey };

/** What a reference names. Anything else (`count.index`, `each.key`, `path.module`, `self`, a lone name) is no reference. */
export type Reference =
  /** `azurerm_key_vault.Vault[0].id`, `data.azurerm_client_config.Deployer.object_id` */
  | {
      readonly kind: "resource";
      readonly mode: "managed" | "data";
      readonly type: string;
      readonly name: string;
      /** `type.name` or `data.type.name`: the block's address, without an instance key. */
      readonly address: string;
      /** The count index or for_each key, when the reference selects one instance. */
      readonly key?: InstanceKey;
      /** The attribute path after the instance, e.g. `["kube_config", 0, "host"]`; empty for the whole object. */
      readonly path: Path;
    }
  /** `module.team["a"].principal_id`: a module's output (or, without one, the whole module). */
  | { readonly kind: "module"; readonly name: string; readonly key?: InstanceKey; readonly output?: string; readonly path: Path }
  | { readonly kind: "var"; readonly name: string; readonly path: Path }
  | { readonly kind: "local"; readonly name: string; readonly path: Path }
  /** `each.value…` */
  | { readonly kind: "each"; readonly path: Path };

export type ResourceReference = Extract<Reference, { kind: "resource" }>;

/** What the steps of a traversal name; undefined when they name no resource, module, variable, local or `each.value`. */
export function referenceOfSteps(steps: readonly Step[]): Reference | undefined {
  const [head, ...rest] = steps;
  if (typeof head !== "string") return undefined;
  const names = (from: number): Path => rest.slice(from).map((step) => (typeof step === "string" ? step : step.key));
  switch (head) {
    case "each":
      return rest[0] === "value" ? { kind: "each", path: names(1) } : undefined;
    case "var":
    case "local":
      return typeof rest[0] === "string" ? { kind: head, name: rest[0], path: names(1) } : undefined;
    case "module": {
      if (typeof rest[0] !== "string") return undefined;
      const key = typeof rest[1] === "object" ? rest[1].key : undefined;
      const after = names(key === undefined ? 1 : 2);
      const output = typeof after[0] === "string" ? after[0] : undefined;
      return { kind: "module", name: rest[0], ...(key !== undefined ? { key } : {}), ...(output !== undefined ? { output } : {}), path: after.slice(1) };
    }
    case "count":
    case "path":
    case "terraform":
    case "self":
      return undefined;
    default: {
      const data = head === "data";
      const [type, name, maybeKey, ...more] = data ? rest : steps;
      if (typeof type !== "string" || typeof name !== "string") return undefined;
      const key = typeof maybeKey === "object" ? maybeKey.key : undefined;
      const path = (key !== undefined ? more : maybeKey === undefined ? [] : [maybeKey, ...more]).map((step) => (typeof step === "string" ? step : step.key));
      return { kind: "resource", mode: data ? "data" : "managed", type, name, address: `${data ? "data." : ""}${type}.${name}`, ...(key !== undefined ? { key } : {}), path };
    }
  }
}

/**
 * A traversal written out on its own, as a plan's `references` lists them: `a.b["k"][0].c` as
 * `["a", "b", {key: "k"}, {key: 0}, "c"]`; undefined when it does not parse. A name is any text up
 * to the next `.` or `[`, as plan addresses are read, so that a plan with stranger names is still
 * followed; indexes are quoted as addresses quote them.
 */
export function parseTraversal(text: string): Step[] | undefined {
  const steps: Step[] = [];
  let at = 0;
  while (at < text.length) {
    const name = /^\.?([^.[]+)/.exec(text.slice(at));
    if (name && (steps.length === 0) === (text[at] !== ".")) {
      steps.push(name[1]);
      at += name[0].length;
      continue;
    }
    const index = readIndex(text, at);
    if (!index) return undefined;
    steps.push({ key: index.key });
    at = index.end;
  }
  return steps.length > 0 ? steps : undefined;
}

/** What a traversal written out on its own names (a plan's `references`): `parseTraversal`, then `referenceOfSteps`. */
export function parseReference(text: string): Reference | undefined {
  const steps = parseTraversal(text);
  return steps && referenceOfSteps(steps);
}

/** A `${…}` interpolation or `%{…}` directive of a template, at `start` up to `end` (after its `}`). */
export interface Interpolation {
  readonly start: number;
  readonly end: number;
  /** The text between the braces, as written. */
  readonly expression: string;
  /** True for a `%{…}` directive (`if`, `for`, `endif`…). */
  readonly directive: boolean;
}

/** A traversal found in an expression, and what it names. */
interface Found {
  readonly start: number;
  readonly end: number;
  readonly steps: readonly Step[];
}

/**
 * String literals nested in expressions nested in string literals (`${"${"${…`) deeper than this
 * are read as never closed, so that the template around them is text: the scan recurses once per
 * level, and an input made of nothing but such nesting must not exhaust the stack.
 */
export const MAX_TEMPLATE_NESTING = 200;

/**
 * The names the enclosing `for` expressions bind, counted, so that looking one up and leaving its
 * expression cost the same however many there are.
 */
type Bound = Map<string, number>;

/** The interpolations and directives of a template, outermost only, in order; an unclosed `${` and everything after it is text. */
export function interpolations(template: string): Interpolation[] {
  const found: Interpolation[] = [];
  if (mayInterpolate(template)) scanTemplate(template, 0, false, undefined, found, new Map(), 0);
  return found;
}

/** True for a string Terraform evaluates: a template with an interpolation or a directive (`$${` and `%%{` are literal text). */
export function isExpression(value: unknown): boolean {
  return typeof value === "string" && mayInterpolate(value) && interpolations(value).length > 0;
}

/** False when `text` cannot hold an interpolation or a directive: the common case, found without scanning. */
function mayInterpolate(text: string): boolean {
  return text.includes("{") && (text.includes("${") || text.includes("%{"));
}

/**
 * `template` with each `${expression}` replaced by `replace(expression)`, and the escapes `$${` and
 * `%%{` in its text written as the `${` and `%{` they stand for. Directives are kept as written.
 */
export function replaceInterpolations(template: string, replace: (expression: string) => string): string {
  let out = "";
  let at = 0;
  const literal = (text: string) => text.replace(/([$%])\1\{/g, "$1{");
  for (const interpolation of interpolations(template)) {
    out += literal(template.slice(at, interpolation.start));
    out += interpolation.directive ? template.slice(interpolation.start, interpolation.end) : replace(interpolation.expression);
    at = interpolation.end;
  }
  return out + literal(template.slice(at));
}

/**
 * Every reference in `value`: in each string (a template) of it, through lists and objects, in
 * order of first mention; references in function arguments, conditionals, indexes and string literals
 * inside expressions included. Function names, attributes of a call's result and the names a `for`
 * expression binds (`s` in `[for s in list : s.id]`) are not references.
 */
export function referencesIn(value: unknown): Reference[] {
  const references: Reference[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === "string") {
      if (!mayInterpolate(v)) return;
      const found: Found[] = [];
      scanTemplate(v, 0, false, found, [], new Map(), 0);
      for (const traversal of found) {
        const reference = referenceOfSteps(traversal.steps);
        if (reference) references.push(reference);
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v)) Object.values(v).forEach(visit);
  };
  visit(value);
  return references;
}

/** The resource and data source addresses (`type.name`, `data.type.name`) `value` refers to, each once, in order of first mention. */
export function referencedAddresses(value: unknown): string[] {
  const addresses = referencesIn(value).flatMap((r) => (r.kind === "resource" ? [r.address] : []));
  return [...new Set(addresses)];
}

/**
 * The reference an expression consists of (`azurerm_x.y.id`, ` data.x.y.z `, `~ x.y.id ~`), or
 * undefined when it is anything else: a call, an operator, a literal, two references.
 */
export function soleReference(expression: string): Reference | undefined {
  let trimmed = expression.trim();
  if (trimmed.startsWith("~")) trimmed = trimmed.slice(1).trimStart();
  if (trimmed.endsWith("~")) trimmed = trimmed.slice(0, -1).trimEnd();
  const found: Found[] = [];
  if (scanExpression(`${trimmed}}`, 0, found, new Map(), 0) !== trimmed.length + 1) return undefined;
  return found.length === 1 && found[0].start === 0 && found[0].end === trimmed.length ? referenceOfSteps(found[0].steps) : undefined;
}

/** The reference a value consists of, `"${azurerm_key_vault.Vault.id}"`; undefined for a literal or any other expression. */
export function referenceOf(value: unknown): Reference | undefined {
  if (typeof value !== "string") return undefined;
  const [only, ...more] = interpolations(value);
  if (!only || more.length > 0 || only.directive || only.start !== 0 || only.end !== value.length) return undefined;
  return soleReference(only.expression);
}

/** As `referenceOf`, when the reference is to a resource or data source. */
export function resourceReferenceOf(value: unknown): ResourceReference | undefined {
  const reference = referenceOf(value);
  return reference?.kind === "resource" ? reference : undefined;
}

/** A path as Terraform writes it after a reference: `kube_config[0].host`, `tags["team"]`. */
export function pathText(path: Path): string {
  return path.map((step, i) => (typeof step === "number" ? `[${step}]` : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(step) ? `${i === 0 ? "" : "."}${step}` : `[${JSON.stringify(step)}]`)).join("");
}

/** An HCL identifier: a letter or `_`, then letters, digits, `_` and `-`. */
const IDENTIFIER = /[\p{ID_Start}_][\p{ID_Continue}-]*/uy;
const IDENTIFIER_START = /[\p{ID_Start}_]/u;
const NUMBER = /[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const DIGITS = /[0-9]+/y;
const CALL = /\s*\(/y;
const FOR_NAMES = /\s+([\p{ID_Start}_][\p{ID_Continue}-]*)(?:\s*,\s*([\p{ID_Start}_][\p{ID_Continue}-]*))?\s+in\b/uy;

/** What the sticky `pattern` matches at `at` in `text` (without copying the rest of the text). */
function matchAt(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

function identifierAt(text: string, at: number): string | undefined {
  const end = identifierEnd(text, at);
  return end > at ? text.slice(at, end) : undefined;
}

/** Where the identifier at `at` ends; `at` when there is none. ASCII by hand, as most names are; the Unicode pattern only when one is not. */
function identifierEnd(text: string, at: number): number {
  let i = at;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
    if (letter || (i > at && ((c >= 48 && c <= 57) || c === 45))) continue;
    if (c > 0x7f) return at + (matchAt(IDENTIFIER, text, at)?.[0].length ?? 0);
    break;
  }
  return i;
}

/**
 * Reads a template from `at`: to the end of `text`, or (`quoted`, a string literal inside an
 * expression, where `\` escapes) to its closing `"`. Records its interpolations and the traversals in
 * them. Returns where it ends, after the closing quote; -1 when a quote or a brace is never closed.
 */
function scanTemplate(text: string, at: number, quoted: boolean, traversals: Found[] | undefined, found: Interpolation[], bound: Bound, depth: number): number {
  let i = at;
  while (i < text.length) {
    const c = text[i];
    if (quoted && c === "\\") {
      i += 2;
      continue;
    }
    if (quoted && c === '"') return i + 1;
    if ((c === "$" || c === "%") && text[i + 1] === c && text[i + 2] === "{") {
      i += 3;
      continue;
    }
    if ((c === "$" || c === "%") && text[i + 1] === "{") {
      const inner: Found[] | undefined = traversals && [];
      const end = scanExpression(text, i + 2, inner, bound, depth);
      if (end < 0) return quoted ? -1 : text.length;
      // One at a time: spreading a list of a hundred thousand into push's arguments overflows the stack.
      if (inner) for (const traversal of inner) traversals!.push(traversal);
      found.push({ start: i, end, expression: text.slice(i + 2, end - 1), directive: c === "%" });
      i = end;
      continue;
    }
    i++;
  }
  return quoted ? -1 : text.length;
}

/**
 * Reads an expression from `at` up to the `}` that closes it, recording its traversals. Returns
 * where it ends, after that `}`; -1 when it is never closed. `bound` holds the names enclosing `for`
 * expressions bind; those this one binds are added while it is read and removed when it ends.
 * `nesting` counts the string literals it is inside.
 */
function scanExpression(text: string, at: number, traversals: Found[] | undefined, bound: Bound, nesting: number): number {
  /** Names a `for` expression binds (`s` in `[for s in list : s.id]`): not references, anywhere later in this expression. */
  const binds: string[] = [];
  try {
    return scanExpressionBody(text, at, traversals, bound, nesting, binds);
  } finally {
    for (const name of binds) {
      const count = bound.get(name)!;
      if (count === 1) bound.delete(name);
      else bound.set(name, count - 1);
    }
  }
}

function scanExpressionBody(text: string, at: number, traversals: Found[] | undefined, bound: Bound, nesting: number, binds: string[]): number {
  let depth = 0;
  /** The last character that was not space: after a `.`, a name is an attribute, not the start of a reference. */
  let last = "";
  let i = at;
  while (i < text.length) {
    const c = text[i];
    if (c === " " || c === "\n" || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === '"') {
      if (nesting >= MAX_TEMPLATE_NESTING) return -1;
      i = scanTemplate(text, i + 1, true, traversals, [], bound, nesting + 1);
      if (i < 0) return -1;
      last = c;
      continue;
    }
    if (c === "#" || (c === "/" && text[i + 1] === "/")) {
      const newline = text.indexOf("\n", i);
      i = newline < 0 ? text.length : newline + 1;
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      i = close < 0 ? text.length : close + 2;
      continue;
    }
    if (c === "{" || c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (c === "}") {
      if (depth === 0) return i + 1;
      depth--;
    }
    if (c >= "0" && c <= "9") {
      i += matchAt(NUMBER, text, i)![0].length;
      last = "0";
      continue;
    }
    if ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || (c > "\u007f" && IDENTIFIER_START.test(c))) {
      // Without traversals to record (only the interpolations' extent is wanted), a name is skipped.
      let end = last === "." || !traversals ? identifierEnd(text, i) : -1;
      const names = end < 0 && text.startsWith("for", i) ? matchAt(FOR_NAMES, text, i + 3) : null;
      if (names) {
        for (const name of names.slice(1)) {
          if (name === undefined) continue;
          binds.push(name);
          bound.set(name, (bound.get(name) ?? 0) + 1);
        }
        end = i + 3 + names[0].length;
      }
      if (end < 0) end = traversal(text, i, traversals!, bound, nesting);
      last = "a";
      i = end;
      continue;
    }
    last = c;
    i++;
  }
  return -1;
}

/**
 * Reads the traversal that starts at `at` (`x.y[0]["k"].z`, `x.0.z` in the old index syntax) and
 * records it, unless it is a function's name (`lookup(`, `provider::azurerm::parse_resource_id(`).
 * An index that is not a literal ends it: `x.y[count.index]` is read as `x.y`, then `count.index`.
 * Returns where it ends.
 */
function traversal(text: string, at: number, traversals: Found[], bound: Bound, nesting: number): number {
  const head = identifierAt(text, at)!;
  let i = at + head.length;
  if (text.startsWith("::", i)) {
    while (text.startsWith("::", i) && identifierAt(text, i + 2)) i += 2 + identifierAt(text, i + 2)!.length;
    return i;
  }
  const steps: Step[] = [head];
  let end = i;
  for (;;) {
    if (text[i] === ".") {
      const name = identifierAt(text, i + 1);
      const legacy = matchAt(DIGITS, text, i + 1);
      if (name) {
        steps.push(name);
        i += 1 + name.length;
      } else if (legacy && steps.length > 1) {
        steps.push({ key: Number(legacy[0]) });
        i += 1 + legacy[0].length;
      } else break;
    } else if (text[i] === "[") {
      const index = readIndex(text, i);
      if (!index || (typeof index.key === "string" && hasInterpolation(text.slice(i + 1, index.end - 1), nesting))) break;
      steps.push({ key: index.key });
      i = index.end;
    } else break;
    end = i;
  }
  if ((steps.length === 1 && matchAt(CALL, text, end)) || bound.has(head)) return end;
  traversals.push({ start: at, end, steps });
  return end;
}

/** True when a quoted key (`"a-${x}"`, quotes included) is a template rather than a literal. */
function hasInterpolation(quotedKey: string, nesting: number): boolean {
  const found: Interpolation[] = [];
  if (nesting >= MAX_TEMPLATE_NESTING) return true;
  scanTemplate(quotedKey.slice(1), 0, true, undefined, found, new Map(), nesting + 1);
  return found.length > 0;
}
