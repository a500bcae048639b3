import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import MarkdownIt from "markdown-it";
import { visible } from "../lib/private/visible-text";
import { naturalCompare } from "../lib/terraform-json/address";
import { PlanJson, reviewPlan } from "../lib/review/plan-review";
import { renderPlanReview, REVIEW_MARKER } from "../lib/review/render-plan-review";

// Whoever opens a pull request writes every name, id and value in its plan, and the review of that
// plan is rendered by GitHub. Real plans with every such string replaced by hostile text must give a
// review that parses exactly like the review of the same plans with harmless strings in their place.

const FIXTURES = path.join(__dirname, "fixtures", "plans");
const PLANS = ["create-all", "create-random-suffix", "namespace-changed", "workload-identity-disabled", "vault-renamed", "secret-version-bumped", "destroy"];

/** Seeded, so a failure is reproducible: fast-check prints the seed and the shrunk counterexample. */
const SEED = 1207;
const RUNS = 600;

/** CommonMark with GFM tables and strikethrough, raw HTML on and bare URLs linked, as GitHub renders a comment. */
const md = new MarkdownIt({ html: true, linkify: true });
type Token = ReturnType<typeof md.parse>[number];

/** Pieces of Markdown, HTML and GitHub syntax that would change the review if they reached it as such. */
const FRAGMENTS = [
  "\n",
  "\r",
  "\r\n",
  "\t",
  "\x1b",
  "\x1b[2J",
  "\x00",
  "\x85",
  "<!--",
  "-->",
  "~~~",
  "```",
  "`",
  "``",
  "````",
  "<details>",
  "</details>",
  "<summary>x</summary>",
  "<img src=x>",
  "<https://e.invalid>",
  "@user",
  "@org/team",
  "#12",
  "GH-12",
  "[x](http://e)",
  "![x](http://e)",
  "[x]: http://e",
  "http://e.invalid",
  "www.e.invalid",
  "e.com",
  "a@e.com",
  "|",
  "\\|",
  "\\",
  "*",
  "**",
  "_",
  "~~",
  "# ",
  "### ",
  "> ",
  "- ",
  "* ",
  "1. ",
  "---",
  "===",
  "    ",
  " ",
  "&amp;",
  "&#64;",
  "&",
  "<",
  ">",
  "\u202a",
  "\u202e",
  "\u2066",
  "\u2069",
  "\u200b",
  "\u200d",
  "\ufeff",
  "\u2028",
];

const hostileString: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...FRAGMENTS) },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 5 }).map((n) => "`".repeat(n)) },
      { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 4 }) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 3 }) },
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((parts) => parts.join(""));

/** Top-level attributes the review reads by name; every other attribute name is replaced too. */
const READ_ATTRIBUTES = new Set([
  "name",
  "metadata",
  "principal_id",
  "scope",
  "role_definition_name",
  "role_definition_id",
  "parent_id",
  "issuer",
  "subject",
  "key_vault_id",
  "value_wo_version",
  "workload_identity_enabled",
  "oidc_issuer_enabled",
  "oidc_issuer_url",
  "soft_delete_retention_days",
  "purge_protection_enabled",
  "id",
  "client_id",
  "identity",
  "kubelet_identity",
  "versionless_id",
  "resource_id",
  "resource_versionless_id",
]);

/**
 * A grant the fixtures lack: one whose principal and scope name nothing in the plan, so the review
 * shows them as they are, like the subscription-wide Owner grant the attack hid.
 */
const OWNER_GRANT = {
  address: "azurerm_role_assignment.SubscriptionOwner",
  mode: "managed",
  type: "azurerm_role_assignment",
  name: "SubscriptionOwner",
  change: {
    actions: ["create"],
    before: null,
    after: { principal_id: "00000000-0000-0000-0000-0000000000aa", role_definition_name: "Owner", scope: "/subscriptions/00000000-0000-0000-0000-000000000000" },
    after_unknown: {},
  },
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function load(name: string): { [key: string]: Json } {
  const plan = JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8"));
  plan.resource_changes.push(OWNER_GRANT);
  return plan;
}

/**
 * Replaces every string the plan's author chooses: values, resource names in addresses and in the
 * configuration's references, and the names of attributes the review does not interpret. The n-th
 * distinct string becomes `replacement(n)`, one to one, so equal values stay equal and different
 * ones different. Resource and attribute names keep a fixed-width number and an `x` in front, so that
 * rows sort in the same order whatever the strings (the `x` ends the number, which the review's natural
 * order compares as a number); resource names lose `.` and `[`, which Terraform does
 * not allow in them and which would stop the review from following references.
 */
class Substitution {
  private readonly values = new Map<string, number>();
  private readonly names = new Map<string, number>();
  private readonly keys = new Map<string, number>();

  constructor(private readonly replacement: (n: number) => string) {}

  /** How many distinct strings have been replaced so far. */
  public get size(): number {
    return this.values.size + this.names.size + this.keys.size;
  }

  public plan(plan: { [key: string]: Json }): PlanJson {
    const configuration = plan.configuration as { root_module: { resources: { [key: string]: Json }[] } };
    const addresses = [...(plan.resource_changes as { address: string }[]), ...configuration.root_module.resources].map((r) => r.address as string);
    const address = (original: string): string => {
      const dot = original.lastIndexOf(".");
      return `${original.slice(0, dot + 1)}${this.name(original.slice(dot + 1))}`;
    };
    const reference = (original: string): string => {
      const target = addresses.filter((a) => original === a || original.startsWith(`${a}.`) || original.startsWith(`${a}[`)).sort((a, b) => b.length - a.length)[0];
      return target ? `${address(target)}${original.slice(target.length)}` : original;
    };
    const resourceChanges = (plan.resource_changes as { [key: string]: Json }[]).map((rc) => {
      const renamed: { [key: string]: Json } = {};
      for (const [part, value] of Object.entries(rc.change as { [key: string]: Json })) {
        if (part === "actions") renamed[part] = value;
        else if (part === "replace_paths") renamed[part] = (value as Json[][]).map(([head, ...rest]) => [typeof head === "string" ? this.key(head) : head, ...rest]);
        else renamed[part] = this.attributes(value, part === "before" || part === "after");
      }
      const newAddress = address(rc.address as string);
      return { ...rc, address: newAddress, name: newAddress.slice(newAddress.lastIndexOf(".") + 1), change: renamed };
    });
    const resources = configuration.root_module.resources.map((resource) => ({
      ...resource,
      address: address(resource.address as string),
      expressions: this.expressions(resource.expressions ?? {}, reference),
    }));
    return { ...plan, resource_changes: resourceChanges, configuration: { root_module: { resources } } } as unknown as PlanJson;
  }

  private value(original: string): string {
    return this.replacement(this.index(this.values, original));
  }

  private name(original: string): string {
    const n = this.index(this.names, original);
    return `r${pad(n)}x${resourceName(this.replacement(n))}`;
  }

  private key(original: string): string {
    if (READ_ATTRIBUTES.has(original)) return original;
    const n = this.index(this.keys, original);
    return `a${pad(n)}x${this.replacement(n)}`;
  }

  private index(map: Map<string, number>, original: string): number {
    let n = map.get(original);
    if (n === undefined) {
      // One numbering across values, names and keys, so that each takes a string of its own.
      n = this.size;
      map.set(original, n);
    }
    return n;
  }

  /** One side of a change, or a marker tree of its shape: top-level keys renamed, and strings too when it holds values. */
  private attributes(value: Json, values: boolean): Json {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return values ? this.deep(value) : value;
    // fromEntries defines own properties, so a generated `__proto__` stays an attribute.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.key(k), values ? this.deep(v) : v]));
  }

  private deep(value: Json): Json {
    if (typeof value === "string") return this.value(value);
    if (Array.isArray(value)) return value.map((v) => this.deep(v));
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.deep(v)]));
    return value;
  }

  private expressions(value: Json, reference: (original: string) => string): Json {
    if (Array.isArray(value)) return value.map((v) => this.expressions(v, reference));
    if (value === null || typeof value !== "object") return typeof value === "string" ? this.value(value) : value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === "references" && Array.isArray(v) ? v.map((r) => reference(r as string)) : this.expressions(v, reference)]),
    );
  }
}

function resourceName(text: string): string {
  return text.replace(/[.[]/g, "_");
}

function pad(n: number): string {
  return String(n).padStart(3, "0");
}

/** A harmless stand-in: `v` and a number, which no other text in the review contains. */
function benign(n: number): string {
  return `v${pad(n)}`;
}

/**
 * The review without its first line, the hidden marker by which the workflow finds its comment: the
 * one HTML the review writes, and always the same line. Anything else that parses as HTML is a failure.
 */
function body(review: string): string {
  expect(review.startsWith(`${REVIEW_MARKER}\n`)).toBe(true);
  expect(review.indexOf(REVIEW_MARKER, 1)).toBe(-1);
  return review.slice(REVIEW_MARKER.length + 1);
}

/** Every token, with the inline ones' children after them, as type, tag, depth and (for text and code) content. */
function flatten(tokens: Token[]): { type: string; tag: string; level: number; content?: string }[] {
  return tokens.flatMap((t) => [
    { type: t.type, tag: t.tag, level: t.level, ...(t.type === "text" || t.type === "code_inline" ? { content: t.content } : {}) },
    ...flatten(t.children ?? []),
  ]);
}

/** Tokens the review never has: plan text that made any of them changed what the comment shows. */
const FORBIDDEN = new Set(["html_block", "html_inline", "link_open", "image", "fence", "code_block", "blockquote_open", "hr", "s_open"]);

interface Structure {
  /** `h2 Terraform plan review`, … */
  readonly headings: string[];
  /** Per section (heading text): list items, paragraphs, and the cells of each table row. */
  readonly sections: Record<string, { listItems: number; paragraphs: number; rows: number[] }>;
  /** Tokens that must never appear, whatever the plan holds. */
  readonly forbidden: string[];
}

function structure(tokens: Token[]): Structure {
  const headings: string[] = [];
  const sections: Structure["sections"] = {};
  let section = "";
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === "heading_open") {
      section = tokens[i + 1].content;
      headings.push(`${t.tag} ${section}`);
      sections[section] = { listItems: 0, paragraphs: 0, rows: [] };
    }
    const current = sections[section];
    if (!current) continue;
    if (t.type === "list_item_open") current.listItems++;
    if (t.type === "paragraph_open") current.paragraphs++;
    if (t.type === "tr_open") current.rows.push(0);
    if (t.type === "th_open" || t.type === "td_open") current.rows[current.rows.length - 1]++;
  }
  const forbidden = flatten(tokens)
    .map((t) => t.type)
    .filter((type) => FORBIDDEN.has(type));
  return { headings, sections, forbidden };
}

/** The list items of a section, each as the contents of its code spans. */
function listItemCode(tokens: Token[], heading: string): string[][] {
  const start = tokens.findIndex((t, i) => t.type === "heading_open" && tokens[i + 1].content.startsWith(`${heading} (`));
  const items: string[][] = [];
  for (let i = start + 1; i < tokens.length && tokens[i].type !== "heading_open"; i++) {
    if (tokens[i].type === "list_item_open") items.push([]);
    if (tokens[i].type === "inline" && items.length > 0) {
      items[items.length - 1].push(...(tokens[i].children ?? []).filter((c) => c.type === "code_inline").map((c) => c.content));
    }
  }
  return items;
}

/**
 * The content markdown-it gives a code span showing `shown`. CommonMark keeps a code span of nothing
 * but spaces as it is; markdown-it strips one space from each end once there are three or more.
 */
function asMarkdownItReads(shown: string): string {
  return /^ {3,}$/.test(shown) ? shown.slice(1, -1) : shown;
}

/** Where the review lists a role assignment: creates, updates, replacements (either order), destroys, forgets; reads and no-ops not at all. */
const GRANT_ORDER = ["create", "update", "delete,create", "create,delete", "delete", "forget"];

/** The role assignments the review lists, in its order, as the side it reads says them. */
function grants(plan: PlanJson): Record<"role" | "principal" | "scope", string | undefined>[] {
  const rank = (actions: readonly string[]) => {
    const i = GRANT_ORDER.indexOf(actions.join());
    return i === 3 ? 2 : i;
  };
  return (plan.resource_changes ?? [])
    .filter((rc) => rc.type === "azurerm_role_assignment" && GRANT_ORDER.includes(rc.change.actions.join()))
    .sort((a, b) => rank(a.change.actions) - rank(b.change.actions) || naturalCompare(a.address, b.address))
    .map((rc) => {
      const side = (rc.change.actions.includes("create") || rc.change.actions.includes("update") ? rc.change.after : rc.change.before) as Record<string, string | undefined>;
      return { role: side.role_definition_name, principal: side.principal_id, scope: side.scope };
    });
}

describe("plan review of hostile plans (property)", () => {
  const baselines = new Map(
    PLANS.map((name) => {
      const plan = load(name);
      const substitution = new Substitution(benign);
      const benignPlan = substitution.plan(plan);
      const tokens = md.parse(body(renderPlanReview(reviewPlan(benignPlan))), {});
      const access = listItemCode(tokens, "Access changes");
      return [name, { plan, count: substitution.size, tokens, structure: structure(tokens), flat: flatten(tokens), access, grants: grants(benignPlan) }];
    }),
  );

  test("the benign reviews have the structure the hostile ones are held to, and show the benign strings", () => {
    expect(baselines.get("vault-renamed")!.structure).toEqual({
      headings: ["h2 Terraform plan review", "h3 Risks (1)", "h3 Access changes (3)", "h3 Federated credentials (0)", "h3 Changes (8)"],
      sections: {
        // The Terraform version and the counts.
        "Terraform plan review": { listItems: 0, paragraphs: 2, rows: [] },
        "Risks (1)": { listItems: 1, paragraphs: 1, rows: [] },
        "Access changes (3)": { listItems: 3, paragraphs: 3, rows: [] },
        "Federated credentials (0)": { listItems: 0, paragraphs: 1, rows: [] },
        "Changes (8)": { listItems: 0, paragraphs: 0, rows: [5, 5, 5, 5, 5, 5, 5, 5, 5] },
      },
      forbidden: [],
    });
    for (const [name, baseline] of baselines) {
      expect({ name, forbidden: baseline.structure.forbidden }).toEqual({ name, forbidden: [] });
      expect({ name, grants: baseline.access.length }).toEqual({ name, grants: baseline.grants.length });
      baseline.grants.forEach((grant, i) => expect(baseline.access[i]).toContain(grant.role));
    }
    // The added grant shows its principal and scope as they are: principal `v…` → role `v…` → scope `v…` — its address.
    expect(baselines.get("create-all")!.access[2]).toEqual([
      expect.stringMatching(/^v\d{3}$/),
      expect.stringMatching(/^v\d{3}$/),
      expect.stringMatching(/^v\d{3}$/),
      expect.stringMatching(/^azurerm_role_assignment\.r\d{3}xv\d{3}$/),
    ]);
  });

  test(`${RUNS} plans with hostile names, roles, principals, scopes, subjects, issuers, addresses and attributes review like benign ones`, () => {
    let cases = 0;
    const hostilePlan = fc.constantFrom(...PLANS).chain((name) => {
      const { count } = baselines.get(name)!;
      return fc.uniqueArray(hostileString, { minLength: count, maxLength: count }).map((strings) => ({ name, strings }));
    });
    fc.assert(
      fc.property(hostilePlan, ({ name, strings }) => {
        const baseline = baselines.get(name)!;
        const plan = new Substitution((n) => strings[n]).plan(baseline.plan);
        const tokens = md.parse(body(renderPlanReview(reviewPlan(plan))), {});

        // Same headings, list items, paragraphs, table rows and cells; no HTML, link, image, fence or code block.
        expect(structure(tokens)).toEqual(baseline.structure);

        // One access line per grant, showing its role exactly, and its principal and scope wherever the benign review shows them as they are.
        const access = listItemCode(tokens, "Access changes");
        const planned = grants(plan);
        expect(access).toHaveLength(planned.length);
        planned.forEach((grant, i) => {
          expect(access[i]).toContain(asMarkdownItReads(visible(grant.role ?? "")));
          for (const part of ["principal", "scope"] as const) {
            const [value, benignValue] = [grant[part], baseline.grants[i][part]];
            if (value !== undefined && benignValue !== undefined && baseline.access[i].includes(benignValue)) {
              expect({ part, shown: access[i] }).toEqual({ part, shown: expect.arrayContaining([asMarkdownItReads(visible(value))]) });
            }
          }
        });

        // Token for token the benign review, with each code span showing the hostile strings in place of the benign ones.
        const shown = (content: string) =>
          content.replace(/(r\d{3}x)?v(\d{3})/g, (_, name: string | undefined, n: string) => (name ?? "") + visible(name ? resourceName(strings[Number(n)]) : strings[Number(n)]));
        const swapped = baseline.flat.map((t) => (t.type === "code_inline" ? { ...t, content: asMarkdownItReads(shown(t.content!)) } : t));
        const actual = flatten(tokens);
        // toEqual only for its diff: on a thousand tokens it would take most of the run's time.
        if (JSON.stringify(actual) !== JSON.stringify(swapped)) expect(actual).toEqual(swapped);
        cases++;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(cases).toBe(RUNS);
  });
});
