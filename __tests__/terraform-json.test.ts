import { formatAddress, InstanceKey, naturalCompare, parseAddress } from "../lib/terraform-json/address";
import { block, blocks, readBlocks, readDocument } from "../lib/terraform-json/blocks";
import { isObject, objectsOf } from "../lib/terraform-json/json";
import { cell, code } from "../lib/terraform-json/markdown";
import {
  interpolations,
  isExpression,
  MAX_TEMPLATE_NESTING,
  parseReference,
  pathText,
  Reference,
  referencedAddresses,
  referenceOf,
  referencesIn,
  replaceInterpolations,
  soleReference,
} from "../lib/terraform-json/references";

/**
 * The Terraform JSON toolkit, table by table. Before it, three parsers read references: policy's
 * regex on a whole `${…}` (lib/policy/terraform-json.ts), the diagram's regex over every
 * interpolation with a brace counter (lib/review/diagram.ts), and the plan review's traversal
 * reader for a plan's `references` (lib/review/plan-review.ts). Where one of them got a case
 * wrong, the row says which and what it did ("was: …"); each was run on these inputs to find out.
 */

/** A reference in one line: `azurerm_x.y[0] id`, `module.m["a"] out`, `var.v`, `each.value id`. */
function brief(reference: Reference | undefined): string | undefined {
  if (reference === undefined) return undefined;
  const key = (k: InstanceKey | undefined) => (k === undefined ? "" : typeof k === "number" ? `[${k}]` : `[${JSON.stringify(k)}]`);
  const path = reference.path.length > 0 ? ` ${pathText(reference.path)}` : "";
  switch (reference.kind) {
    case "resource":
      return `${reference.address}${key(reference.key)}${path}`;
    case "module":
      return `module.${reference.name}${key(reference.key)}${reference.output === undefined ? "" : ` -> ${reference.output}`}${path}`;
    case "each":
      return `each.value${path}`;
    default:
      return `${reference.kind}.${reference.name}${path}`;
  }
}

describe("referenceOf: the reference a whole value consists of", () => {
  test.each<[string, string | undefined, string]>([
    ["${azurerm_key_vault.Vault.id}", "azurerm_key_vault.Vault id", ""],
    ["${data.azurerm_client_config.Deployer.object_id}", "data.azurerm_client_config.Deployer object_id", ""],
    ["${azurerm_kubernetes_cluster.c[0].oidc_issuer_url}", "azurerm_kubernetes_cluster.c[0] oidc_issuer_url", 'policy: no reference; diagram: path "0].oidc_issuer_url"'],
    ['${azurerm_user_assigned_identity.i["team-a"].principal_id}', 'azurerm_user_assigned_identity.i["team-a"] principal_id', "policy and diagram: no reference"],
    ['${data.azurerm_key_vault.v["k"].id}', 'data.azurerm_key_vault.v["k"] id', "policy and diagram: no reference"],
    ["${azurerm_key_vault.Vault.0.id}", "azurerm_key_vault.Vault[0] id", "policy, diagram: no reference (the old `.0` index syntax)"],
    ["${azurerm_kubernetes_cluster.c.kube_config[0].host}", "azurerm_kubernetes_cluster.c kube_config[0].host", ""],
    // A name in brackets is the same step as after a dot, as in HCL: the path does not keep how it was written.
    ['${azurerm_resource_group.g.tags["team"]}', "azurerm_resource_group.g tags.team", "policy and diagram: no reference"],
    ["${ azurerm_key_vault.Vault.id }", "azurerm_key_vault.Vault id", "policy: no reference"],
    ["${~azurerm_key_vault.Vault.id~}", "azurerm_key_vault.Vault id", "policy and diagram: no reference (strip markers)"],
    ["${azurerm_key_vault.my-vault.id}", "azurerm_key_vault.my-vault id", ""],
    ['${azurerm_key_vault.Vault["a\\"b"].id}', 'azurerm_key_vault.Vault["a\\"b"] id', "policy and diagram: no reference"],
    ['${azurerm_key_vault.Vault["a$${b}"].id}', 'azurerm_key_vault.Vault["a${b}"] id', "policy and diagram: no reference"],
    ["${azurerm_key_vault.Vault}", "azurerm_key_vault.Vault", "policy and diagram: no reference (the whole object)"],
    ["${module.team.principal_id}", "module.team -> principal_id", 'policy: a resource of type "module"'],
    ['${module.team["a"].principal_id}', 'module.team["a"] -> principal_id', "policy and diagram: no reference"],
    ["${var.tier}", "var.tier", ""],
    ["${var.x[0]}", "var.x [0]", 'diagram: path "0]"'],
    ["${local.names.vault}", "local.names vault", "plan review: no reference (it needs none)"],
    ["${each.value.principal_id}", "each.value principal_id", 'policy: a resource of type "each"'],
    ["${count.index}", undefined, ""],
    ["${each.key}", undefined, ""],
    ["${path.module}", undefined, ""],
    // Not one reference.
    ["$${azurerm_key_vault.Vault.id}", undefined, ""],
    ["${azurerm_key_vault.Vault.id}/secrets", undefined, ""],
    ['${lookup(azurerm_resource_group.g.tags, "team")}', undefined, ""],
    ["${azurerm_key_vault.Vault.id}${azurerm_key_vault.Vault.name}", undefined, ""],
    ["${azurerm_key_vault.Vault[count.index].id}", undefined, ""],
    ['${azurerm_key_vault.Vault["${var.k}"].id}', undefined, 'plan review (given the text): key "${var.k}", a template taken as a literal'],
    ["${azurerm_key_vault.Vault.id", undefined, ""],
    ["%{ if azurerm_key_vault.Vault.id != \"\" }x%{ endif }", undefined, ""],
    ["plain text", undefined, ""],
  ])("%s", (value, expected) => {
    expect(brief(referenceOf(value))).toBe(expected);
  });

  test("a resource reference has every part: mode, type, name, address, key, path", () => {
    expect(referenceOf('${data.azurerm_key_vault.v["k"].tags["team"]}')).toEqual({
      kind: "resource",
      mode: "data",
      type: "azurerm_key_vault",
      name: "v",
      address: "data.azurerm_key_vault.v",
      key: "k",
      path: ["tags", "team"],
    });
    expect(referenceOf('${module.team[2].out.list[0]}')).toEqual({ kind: "module", name: "team", key: 2, output: "out", path: ["list", 0] });
    expect(referenceOf(42)).toBeUndefined();
    expect(soleReference("  azurerm_key_vault.Vault.id ")).toEqual(referenceOf("${azurerm_key_vault.Vault.id}"));
  });
});

describe("referencesIn: every reference anywhere in a value", () => {
  test.each<[string, unknown, string[], string]>([
    ["function arguments", '${lookup(azurerm_resource_group.g.tags, "team")}', ["azurerm_resource_group.g tags"], ""],
    ["nested calls", "${upper(substr(azurerm_key_vault.Vault.name, 0, min(3, length(var.prefix))))}", ["azurerm_key_vault.Vault name", "var.prefix"], ""],
    ["a provider function", "${provider::azurerm::normalise_resource_id(azurerm_key_vault.Vault.id)}", ["azurerm_key_vault.Vault id"], ""],
    ["text around interpolations", "${azurerm_key_vault.Vault.id} and ${data.azurerm_client_config.Deployer.tenant_id}", ["azurerm_key_vault.Vault id", "data.azurerm_client_config.Deployer tenant_id"], ""],
    ["a template inside a string literal", '${"kv-${azurerm_key_vault.Vault.name}"}', ["azurerm_key_vault.Vault name"], ""],
    ["a string literal is no reference", '${"azurerm_key_vault.Vault.id"}', [], "diagram: azurerm_key_vault.Vault"],
    ["a brace inside a string literal", '${merge({a = "}"}, azurerm_resource_group.g.tags)}', ["azurerm_resource_group.g tags"], "diagram: nothing (the brace in the string ended the interpolation)"],
    ["an escaped quote inside a string literal", '${merge({a = "\\"}"}, azurerm_resource_group.g.tags)}', ["azurerm_resource_group.g tags"], "diagram: nothing"],
    ["an attribute of a call's result", "${jsondecode(azurerm_key_vault_secret.s.value).azurerm_key_vault.Vault}", ["azurerm_key_vault_secret.s value"], "diagram: azurerm_key_vault.Vault as well"],
    ["a splat", "${element(azurerm_key_vault.Vault[*].id, 0)}", ["azurerm_key_vault.Vault"], ""],
    ["an index that is an expression", "${azurerm_key_vault.Vault[count.index].id}", ["azurerm_key_vault.Vault"], "diagram: count.index as an address"],
    ["a key that is a template", '${azurerm_key_vault.Vault["${var.k}"].id}', ["azurerm_key_vault.Vault", "var.k"], ""],
    ["a for expression's own names", "${[for s in azurerm_key_vault_secret.all : s.id]}", ["azurerm_key_vault_secret.all"], "diagram: s.id as an address"],
    ["a for expression over a map", "${{for k, v in var.secrets : k => v.name}}", ["var.secrets"], "diagram: v.name as an address"],
    ["a conditional", '${var.existing ? data.azurerm_key_vault.v[0].id : azurerm_key_vault.Vault[0].id}', ["var.existing", "data.azurerm_key_vault.v[0] id", "azurerm_key_vault.Vault[0] id"], ""],
    ["a directive", '%{ if azurerm_key_vault.Vault.enable_rbac_authorization }rbac%{ endif }', ["azurerm_key_vault.Vault enable_rbac_authorization"], "diagram and policy: nothing (directives were text)"],
    ["the $${ escape", "$${azurerm_key_vault.Vault.id}", [], ""],
    ["the %%{ escape", "%%{ if azurerm_key_vault.Vault.id }", [], ""],
    ["an unclosed interpolation", "${azurerm_key_vault.Vault.id", [], ""],
    ["a comment", "${azurerm_key_vault.Vault.id # azurerm_key_vault.Other.id\n}", ["azurerm_key_vault.Vault id"], ""],
    ["through lists and objects, in order", { a: ["${azurerm_key_vault.Vault.id}"], b: { c: "${var.x}" }, d: 1 }, ["azurerm_key_vault.Vault id", "var.x"], ""],
    ["a literal", "https://example.com/${", [], ""],
  ])("%s", (_, value, expected) => {
    expect(referencesIn(value).map(brief)).toEqual(expected);
  });

  test("referencedAddresses: each resource or data source once, in order of first mention", () => {
    expect(referencedAddresses(["${azurerm_key_vault.Vault.id}", "${var.x}-${data.azurerm_client_config.D.tenant_id}", "${azurerm_key_vault.Vault[0].name}"])).toEqual([
      "azurerm_key_vault.Vault",
      "data.azurerm_client_config.D",
    ]);
  });
});

describe("parseReference: a plan's references, one traversal each", () => {
  test.each<[string, string | undefined]>([
    ["data.azurerm_client_config.Deployer.object_id", "data.azurerm_client_config.Deployer object_id"],
    ["data.azurerm_client_config.Deployer", "data.azurerm_client_config.Deployer"],
    ['azurerm_user_assigned_identity.id["a\\"b"].principal_id', 'azurerm_user_assigned_identity.id["a\\"b"] principal_id'],
    ["azurerm_role_assignment.r[10]", "azurerm_role_assignment.r[10]"],
    ['module.team["a"].principal_id', 'module.team["a"] -> principal_id'],
    ["module.team", "module.team"],
    ["var.scope", "var.scope"],
    ["each.value.principal_id", "each.value principal_id"],
    ["each.key", undefined],
    ["count.index", undefined],
    ["self.id", undefined],
    // A plan's names are followed however strange, as its addresses are.
    ["azurerm_key_vault.r001x name with spaces", "azurerm_key_vault.r001x name with spaces"],
    ["azurerm_key_vault", undefined],
    ["azurerm_key_vault.v[", undefined],
    ['azurerm_key_vault.v["unclosed]', undefined],
    ["", undefined],
  ])("%s", (text, expected) => {
    expect(brief(parseReference(text))).toBe(expected);
  });
});

describe("templates", () => {
  test.each<[string, boolean]>([
    ["${var.x}", true],
    ["prefix-${var.x}", true],
    ["%{ if var.x }a%{ endif }", true],
    ["$${var.x}", false],
    ["%%{ if x }", false],
    ["${var.x", false],
    ["$", false],
    ["plain", false],
  ])("isExpression(%j) is %s", (value, expected) => {
    expect(isExpression(value)).toBe(expected);
  });
  test("isExpression is false for what is not a string", () => {
    expect([undefined, null, 1, true, ["${var.x}"], { a: "${var.x}" }].map(isExpression)).toEqual([false, false, false, false, false, false]);
  });

  test.each<[string, string]>([
    ["kv-${var.x}-${azurerm_key_vault.Vault.name}", "kv-<var.x>-<azurerm_key_vault.Vault.name>"],
    ["$${literal} and %%{ too }", "${literal} and %{ too }"],
    ["${lookup(var.m, \"}\")}", '<lookup(var.m, "}")>'],
    ["a %{ if var.on }b%{ endif }", "a %{ if var.on }b%{ endif }"],
    ["${unclosed", "${unclosed"],
  ])("replaceInterpolations(%j)", (template, expected) => {
    expect(replaceInterpolations(template, (expression) => `<${expression}>`)).toBe(expected);
  });

  test("interpolations are found outermost only, with where they start and end", () => {
    expect(interpolations('a${"${b.c}"}d%{ if x }')).toEqual([
      { start: 1, end: 12, expression: '"${b.c}"', directive: false },
      { start: 13, end: 22, expression: " if x ", directive: true },
    ]);
  });

  test.each<[(string | number)[], string]>([
    [["id"], "id"],
    [["kube_config", 0, "host"], "kube_config[0].host"],
    [["tags", "team a"], 'tags["team a"]'],
    [[0, "name"], "[0].name"],
    [[], ""],
  ])("pathText(%j) is %j", (path, expected) => {
    expect(pathText(path)).toBe(expected);
  });
});

describe("hostile templates: every reader returns, without exhausting the stack or taking quadratic time", () => {
  const readers: [string, (value: string) => unknown][] = [
    ["interpolations", interpolations],
    ["isExpression", isExpression],
    ["referencesIn", referencesIn],
    ["referenceOf", referenceOf],
    ["soleReference", soleReference],
    ["replaceInterpolations", (value) => replaceInterpolations(value, (e) => e)],
  ];
  const nested = (levels: number) => '${"'.repeat(levels) + "${azurerm_key_vault.Vault.id}" + '"}'.repeat(levels);
  test.each<[string, string]>([
    ["string literals nested 20,000 deep (were: Maximum call stack size exceeded)", '${"'.repeat(20_000)],
    ["and closed", nested(20_000)],
    ["index keys that are templates, nested 20,000 deep (were: Maximum call stack size exceeded)", "${a" + '["${a'.repeat(20_000)],
    ["200,000 traversals in one interpolation (were: too many arguments spread into push)", "${" + "a.b ".repeat(200_000) + "}"],
    ["40,000 for expressions, each binding its own name (took 14 s)", "${[" + Array.from({ length: 40_000 }, (_, i) => `for v${i} in x.y :`).join(" ") + " z]}"],
  ])("%s", (_, value) => {
    for (const [name, read] of readers) {
      const started = Date.now();
      expect(() => read(value)).not.toThrow();
      expect([name, Date.now() - started < 5_000]).toEqual([name, true]);
    }
  });

  test(`nesting up to ${MAX_TEMPLATE_NESTING} string literals is read; deeper is text, as an unclosed interpolation is`, () => {
    expect(referencesIn(nested(MAX_TEMPLATE_NESTING)).map(brief)).toEqual(["azurerm_key_vault.Vault id"]);
    expect(isExpression(nested(MAX_TEMPLATE_NESTING + 1))).toBe(false);
    expect(referencesIn(nested(MAX_TEMPLATE_NESTING + 1))).toEqual([]);
  });

  test("a for expression's names stay bound in it only, however many there are", () => {
    expect(referencesIn('${[for s in var.a : s.id]} ${s.x.y} ${[for s in var.b : "${s.id}"]}').map(brief)).toEqual(["var.a", "s.x y", "var.b"]);
  });
});

describe("addresses", () => {
  test.each<[string, string | undefined]>([
    ['module.team["a"].data.azurerm_client_config.this[0]', 'module.team["a"].data.azurerm_client_config.this[0]'],
    ["azurerm_key_vault.v", "azurerm_key_vault.v"],
    ['azurerm_key_vault.v["a\\u0041"]', 'azurerm_key_vault.v["aA"]'],
    ['azurerm_key_vault.v["$${x}"]', 'azurerm_key_vault.v["${x}"]'],
    ["module.team.azurerm_key_vault", undefined],
    ["azurerm_key_vault.v[x]", undefined],
  ])("parseAddress(%j), written back", (address, expected) => {
    const parsed = parseAddress(address);
    expect(parsed && formatAddress(parsed)).toBe(expected);
  });
  test("natural order: numbers as numbers, the rest by code unit", () => {
    expect(["rg[10]", "rg[9]", "b", "B", "a01", "a1"].sort(naturalCompare)).toEqual(["B", "a01", "a1", "b", "rg[9]", "rg[10]"]);
  });
});

describe("blocks", () => {
  const meta = (path: string) => ({ "//": { metadata: { path } } });
  test.each<[string, unknown, string[]]>([
    ["resources, then data sources, with construct paths", { data: { azurerm_client_config: { D: {} } }, resource: { azurerm_key_vault: { V: meta("stack/V") } } }, ["managed azurerm_key_vault.V stack/V", "data data.azurerm_client_config.D data.azurerm_client_config.D"]],
    ["lists of objects at each level, as Terraform reads them", { resource: [{ azurerm_key_vault: [{ A: [{}] }, { B: {} }] }] }, ["managed azurerm_key_vault.A azurerm_key_vault.A", "managed azurerm_key_vault.B azurerm_key_vault.B"]],
    ["what is not an object is skipped", { resource: { azurerm_key_vault: { A: "x", B: null, C: {} }, other: 3 } }, ["managed azurerm_key_vault.C azurerm_key_vault.C"]],
    ["not Terraform JSON", ["resource"], []],
  ])("%s", (_, tf, expected) => {
    expect(readBlocks(tf).map((b) => `${b.mode} ${b.address} ${b.path}`)).toEqual(expected);
  });
  test("a document knows its addresses and its managed resources", () => {
    const document = readDocument({ resource: { azurerm_key_vault: { V: {} } }, data: { azurerm_key_vault: { V: {} } } });
    expect([...document.addresses]).toEqual(["azurerm_key_vault.V", "data.azurerm_key_vault.V"]);
    expect(document.resources.map((r) => r.address)).toEqual(["azurerm_key_vault.V"]);
  });
  test("nested blocks, written as an object or a list", () => {
    const body = { spec: [{ container: [{ name: "a" }, "x", { name: "b" }] }], metadata: { name: "m" } };
    expect(block(body, "metadata")).toEqual({ name: "m" });
    expect(blocks(block(body, "spec"), "container").map((c) => c.name)).toEqual(["a", "b"]);
    expect([block(body, "absent"), blocks(undefined, "container")]).toEqual([undefined, []]);
  });
  test.each<[unknown, boolean]>([
    [{}, true],
    [Object.create(null), true],
    [[], false],
    [null, false],
    ["{}", false],
    [undefined, false],
  ])("isObject(%p) is %s", (value, expected) => {
    expect(isObject(value)).toBe(expected);
  });
  test("objectsOf keeps the objects of one object or a list", () => {
    expect([objectsOf({ a: 1 }), objectsOf([{ a: 1 }, 2, null, [], { b: 2 }]), objectsOf("x")]).toEqual([[{ a: 1 }], [{ a: 1 }, { b: 2 }], []]);
  });
});

describe("Markdown", () => {
  // policy/docs.ts had its own code() and cell(): a bare backtick pair, and cell() left \r alone.
  test.each<[string, string, string]>([
    ["azurerm_key_vault", "`azurerm_key_vault`", ""],
    ["a`b", "``a`b``", "policy docs: `a`b` (the span ended at the inner backtick)"],
    ["`a`", "`` `a` ``", "policy docs: ``a`` (a span showing a: its backticks became the fence)"],
    ["", "(empty)", "policy docs: `` (two backticks, no span)"],
  ])("code(%j)", (value, expected) => {
    expect(code(value)).toBe(expected);
  });
  test.each<[string, string]>([
    ["a | b", "a \\| b"],
    ["one\r\ntwo\rthree\nfour", "one two three four"],
  ])("cell(%j)", (value, expected) => {
    expect(cell(value)).toBe(expected);
  });
});
