import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import { EXIT_ERROR, EXIT_OK, EXIT_RISK, runPlanReview } from "../lib/commands/plan-review";
import { REVIEW_MARKER } from "../lib/review/render-plan-review";
import { FIXTURES } from "./plan-review-fixtures";

// A plan file comes from a pull request's job: any shape must give either a review or one line
// naming the JSON path of what is wrong, exit 1, and nothing written. Never a stack trace.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const PLANS = fs
  .readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.replace(/\.json$/, ""))
  .sort();
const load = (name: string): Json => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8"));

function run(plan: Json | string, extra: string[] = []) {
  const out = { stdout: "", stderr: "", written: {} as Record<string, string> };
  const status = runPlanReview([...extra, "plan.json"], {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
    readFile: () => (typeof plan === "string" ? plan : JSON.stringify(plan)),
    writeFile: (file, text) => (out.written[file] = text),
  });
  return { status, ...out };
}

/** One line naming the problem, nothing else: the contract for anything that is not a plan. */
function expectOneLineError(result: ReturnType<typeof run>, pattern?: RegExp): void {
  expect(result.status).toBe(EXIT_ERROR);
  expect(result.stdout).toBe("");
  expect(result.written).toEqual({});
  expect(result.stderr.split("\n")).toHaveLength(2);
  expect(result.stderr).toMatch(/^plan-review: plan\.json is .+\n$/);
  expect(result.stderr).not.toMatch(/\n\s+at |TypeError|RangeError|ReferenceError|undefined is not|Cannot read/);
  if (pattern) expect(result.stderr).toMatch(pattern);
}

/** Stands for a value 100,000 levels deep in the plan's text. */
const DEEP = "the 100,000-deep value";

function nest(depth: number, leaf: Json = 1): Json {
  let value: Json = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe("plans that are not plans: one line naming the JSON path, exit 1", () => {
  const base = () => load("kinds") as { [key: string]: Json } & { resource_changes: { [key: string]: Json }[]; configuration: { root_module: { [key: string]: Json } } };
  const change = (plan: ReturnType<typeof base>) => plan.resource_changes[0].change as { [key: string]: Json };

  test.each([
    ["format_version 99.0", (p: ReturnType<typeof base>) => (p.format_version = "99.0"), /plan\.json is not a format this review reads: format_version "99\.0" is not 1\.x, which Terraform 1\.0 and later write/],
    ["format_version 2.0", (p: ReturnType<typeof base>) => (p.format_version = "2.0"), /format_version "2\.0" is not 1\.x/],
    ["format_version banana", (p: ReturnType<typeof base>) => (p.format_version = "banana"), /format_version "banana" is not 1\.x/],
    ["replace_paths: \"abc\"", (p: ReturnType<typeof base>) => (change(p).replace_paths = "abc"), /resource_changes\[0\]\.change\.replace_paths: expected a list, got "abc"$/m],
    ["replace_paths: [null]", (p: ReturnType<typeof base>) => (change(p).replace_paths = [null]), /resource_changes\[0\]\.change\.replace_paths\[0\]: expected an attribute path \(a list of names and indexes\), got null$/m],
    ["root_module.resources: {}", (p: ReturnType<typeof base>) => (p.configuration.root_module.resources = {}), /configuration\.root_module\.resources: expected a list, got an object$/m],
    ["root_module.resources: [null]", (p: ReturnType<typeof base>) => (p.configuration.root_module.resources = [null]), /configuration\.root_module\.resources\[0\]: expected an object, got null$/m],
    ["a 100,000-deep before", (p: ReturnType<typeof base>) => (change(p).before = DEEP), /resource_changes\[0\]\.change\.before\.a\.a…: nested more than 200 levels deep/],
    ["actions no version of Terraform writes", (p: ReturnType<typeof base>) => (change(p).actions = ["create", "create"]), /resource_changes\[0\]\.change\.actions: \["create","create"\] is not an action list Terraform writes/],
    ["an address that is a number", (p: ReturnType<typeof base>) => (p.resource_changes[3].address = 7), /resource_changes\[3\]\.address: expected a string, got 7$/m],
    ["a reference that is not a string", (p: ReturnType<typeof base>) => ((p.configuration.root_module.resources as { expressions: { [k: string]: Json } }[])[1].expressions.name = { references: [1] }), /configuration\.root_module\.resources\[1\]\.expressions\.name\.references\[0\]: expected a reference/],
    ["a module call that is a string", (p: ReturnType<typeof base>) => ((p.configuration.root_module.module_calls as { [k: string]: Json }).team = "x"), /configuration\.root_module\.module_calls\.team: expected an object, got "x"$/m],
    ["importing that is a list", (p: ReturnType<typeof base>) => (change(p).importing = []), /resource_changes\[0\]\.change\.importing: expected an object, got an empty list$/m],
    ["deferred changes without a change", (p: ReturnType<typeof base>) => (p.deferred_changes = [{ reason: "absent_prereq" }]), /deferred_changes\[0\]\.resource_change: expected an object, got nothing$/m],
    ["errored that is a string", (p: ReturnType<typeof base>) => (p.errored = "yes"), /errored: expected a boolean, got "yes"$/m],
  ])("%s", (_, mutate, message) => {
    const plan = base();
    mutate(plan);
    // Written out by hand: JSON.stringify itself cannot write 100,000 levels.
    const text = JSON.stringify(plan).replace(JSON.stringify(DEEP), `${'{"a":'.repeat(100000)}1${"}".repeat(100000)}`);
    expectOneLineError(run(text), message);
    // The fingerprint reads the same files in the deploy job: the same contract (its older checks word some problems their own way).
    expectOneLineError(run(text, ["--fingerprint"]));
  });

  test("the same for a review written to files: nothing is written", () => {
    const plan = base();
    change(plan).replace_paths = "abc";
    expectOneLineError(run(plan, ["--out", "a.md", "--summary-out", "b.md", "--full-out", "c.md"]));
  });
});

/** Values a mutation puts somewhere in a plan. */
const REPLACEMENTS: Json[] = [null, true, false, 0, -1, 1.5, 1e308, "", "abc", "no-op", "create", [], [null], ["create"], [[]], {}, { a: 1 }, { __proto__: 1 } as unknown as Json, { constructor: "x" }];

type Mutation = { readonly at: number; readonly kind: "delete" | "replace" | "deep" | "add"; readonly value: number };

/** Every path in the plan to a value, object keys and list indexes, without recursion. */
function paths(plan: Json): (string | number)[][] {
  const found: (string | number)[][] = [];
  const stack: { value: Json; path: (string | number)[] }[] = [{ value: plan, path: [] }];
  while (stack.length > 0) {
    const { value, path: at } = stack.pop()!;
    if (at.length > 0) found.push(at);
    if (Array.isArray(value)) value.forEach((v, i) => stack.push({ value: v, path: [...at, i] }));
    else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) stack.push({ value: v, path: [...at, k] });
  }
  return found.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

function mutate(plan: Json, mutation: Mutation, all: (string | number)[][]): void {
  const at = all[mutation.at % all.length];
  let parent = plan as { [key: string]: Json } | Json[];
  for (const step of at.slice(0, -1)) {
    // An earlier mutation may have removed or replaced the way there.
    if (parent === null || typeof parent !== "object") return;
    parent = (parent as { [key: string]: Json })[step as string] as { [key: string]: Json } | Json[];
  }
  if (parent === null || typeof parent !== "object") return;
  const key = at[at.length - 1];
  const target = parent as { [key: string]: Json };
  switch (mutation.kind) {
    case "delete":
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete target[key as string];
      break;
    case "replace":
      Object.defineProperty(target, key, { value: REPLACEMENTS[mutation.value % REPLACEMENTS.length], enumerable: true, writable: true, configurable: true });
      break;
    case "deep":
      target[key as string] = nest(150 + (mutation.value % 150), REPLACEMENTS[mutation.value % REPLACEMENTS.length]);
      break;
    case "add": {
      const value = target[key as string];
      if (value !== null && typeof value === "object" && !Array.isArray(value)) (value as { [key: string]: Json })[`extra${mutation.value}`] = REPLACEMENTS[mutation.value % REPLACEMENTS.length];
      else if (Array.isArray(value)) value.push(REPLACEMENTS[mutation.value % REPLACEMENTS.length]);
      break;
    }
  }
}

describe("names that are also JavaScript's own (constructor, __proto__, toString) are names like any other", () => {
  const base = () => load("kinds") as { resource_changes: { [key: string]: Json }[] };
  test.each(["constructor", "__proto__", "toString", "hasOwnProperty"])("%s as a resource type, an action reason or a role name gives a review (was: a TypeError's stack trace, or the text of a JavaScript function in it)", (name) => {
    for (const set of [
      (rc: { [key: string]: Json }) => (rc.type = name),
      (rc: { [key: string]: Json }) => (rc.action_reason = name),
      (rc: { [key: string]: Json }) => {
        const after = (rc.change as { [key: string]: { [key: string]: Json } | null }).after;
        if (rc.type === "azurerm_role_assignment" && after) after.role_definition_name = name;
      },
    ]) {
      const plan = base();
      for (const rc of plan.resource_changes) set(rc);
      const result = run(plan);
      expect([result.status, result.stderr]).toEqual([EXIT_OK, ""]);
      expect(result.stdout).not.toMatch(/native code|function /);
    }
  });

  test("an action reason that is not a string is left out (was: a TypeError's stack trace for null)", () => {
    const plan = base();
    plan.resource_changes[0].action_reason = null;
    const result = run(plan);
    expect([result.status, result.stderr]).toEqual([EXIT_OK, ""]);
  });
});

describe("real plans, mutated (property)", () => {
  const SEED = 1414;
  const RUNS = 600;
  const cache = new Map(PLANS.map((name) => [name, { text: JSON.stringify(load(name)), paths: paths(load(name)) }]));

  test(`${RUNS} mutated plans give valid reviews or one-line errors, never a crash`, () => {
    let reviews = 0;
    let errors = 0;
    const mutation = fc.record({ at: fc.nat(), kind: fc.constantFrom("delete", "replace", "deep", "add" as const), value: fc.nat() }) as fc.Arbitrary<Mutation>;
    fc.assert(
      fc.property(fc.constantFrom(...PLANS), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), (name, mutations, fingerprint) => {
        const { text, paths: all } = cache.get(name)!;
        const plan = JSON.parse(text) as Json;
        for (const m of mutations) mutate(plan, m, all);
        const result = run(plan, fingerprint ? ["--fingerprint"] : ["--max-size", "8192"]);
        if (result.status === EXIT_ERROR && !result.stderr.includes("is a plan that failed")) {
          expectOneLineError(result);
          errors++;
          return;
        }
        expect(result.stderr).not.toMatch(/\n\s+at /);
        expect([EXIT_OK, EXIT_RISK, EXIT_ERROR]).toContain(result.status);
        if (fingerprint) {
          expect(result.stdout).toMatch(/^[0-9a-f]{64}\n$/);
        } else {
          expect(result.stdout.startsWith(`${REVIEW_MARKER}\n## Terraform plan review\n`)).toBe(true);
          expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(8192);
          const order = ["### Risks (", "### Access changes (", "### Federated credentials (", "### Changes ("].map((h) => result.stdout.indexOf(h));
          expect(order.every((p) => p > 0)).toBe(true);
          expect([...order].sort((a, b) => a - b)).toEqual(order);
        }
        reviews++;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(reviews + errors).toBe(RUNS);
    // Both outcomes happen, or the property says little.
    expect(reviews).toBeGreaterThan(RUNS / 10);
    expect(errors).toBeGreaterThan(RUNS / 10);
  });

  test("text that is not JSON, or JSON that is not an object, is one line too", () => {
    for (const text of ["", "{", "[]", "null", "1", '"plan"', "{}"]) expectOneLineError(run(text));
  });
});
