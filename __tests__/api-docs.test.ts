import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { API_REFERENCE, apiDocsCommand, renderApiReference } from "../lib/commands/api-docs";

const ROOT = path.join(__dirname, "..");

describe("help/api.md", () => {
  test("is what npm run api-docs writes from the doc comments of lib/index.ts's exports (run it after changing the public API)", () => {
    const { markdown } = renderApiReference(ROOT);
    const current = fs.readFileSync(path.join(ROOT, API_REFERENCE), "utf8");
    if (current !== markdown) {
      const [want, have] = [markdown.split("\n"), current.split("\n")];
      const line = want.findIndex((text, i) => text !== have[i]);
      throw new Error(`${API_REFERENCE} is stale: run npm run api-docs (line ${line + 1}: expected ${JSON.stringify(want[line])}, found ${JSON.stringify(have[line])})`);
    }
    // What a reader looks for: each construct, with its props' documented defaults.
    for (const name of ["AksOidcCluster", "ExistingAksOidcCluster", "FederatedIdentity", "RbacKeyVault", "VerificationPod", "Workloads", "AksWorkloadIdentityStack"]) {
      expect(current).toContain(`\n### ${name}\n`);
    }
    expect(current).toMatch(/\| `nodeCount\?` \| `number` \| [^\n]*@default/);
  });

  test("every type of this project that a member table names is exported and described too (a consumer can name it)", () => {
    const current = fs.readFileSync(path.join(ROOT, API_REFERENCE), "utf8");
    const declared = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (entry.name.endsWith(".ts")) for (const m of fs.readFileSync(file, "utf8").matchAll(/^export (?:declare )?(?:abstract )?(?:type|interface|class|enum) (\w+)/gm)) declared.add(m[1]);
      }
    };
    walk(path.join(ROOT, "lib"));
    const named = [...current.matchAll(/^\| `[^`]+` \| `([^`]+)` \|/gm)].flatMap((m) => m[1].match(/\b[A-Z]\w*\b/g) ?? []);
    const missing = [...new Set(named)].filter((name) => declared.has(name) && !current.includes(`\n### ${name}\n`));
    expect(missing).toEqual([]);
  });
});

describe("renderApiReference", () => {
  let dir = "";
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aks-wi-api-docs-"));
    write(
      "lib/widget.ts",
      [
        "/** Props of a widget. */",
        "export interface WidgetProps {",
        "  /**",
        "   * How many.",
        "   * @default 3",
        "   */",
        "  readonly count?: number;",
        "  readonly size: 'small' | 'large';",
        "}",
        "/** A widget. */",
        "export class Widget {",
        "  /** Makes one from a name. */",
        "  public static named(name: string): Widget { return new Widget({ size: name === 'big' ? 'large' : 'small' }); }",
        "  /** Its size. */",
        "  public readonly size: string;",
        "  private readonly secret = 1;",
        "  protected hidden = 2;",
        "  constructor(props: WidgetProps) { this.size = props.size; void this.secret; }",
        "  /**",
        "   * Grows it.",
        "   * @returns the new size",
        "   */",
        "  public grow(by = 1): number { return by + this.hidden; }",
        "}",
        "/** The largest count. */",
        "export const MAX_COUNT = 20;",
        "export type Size = WidgetProps['size'];",
        "export const internalOnly = 1;",
      ].join("\n"),
    );
    write("lib/index.ts", 'export { Widget, MAX_COUNT } from "./widget";\nexport type { WidgetProps, Size } from "./widget";\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("renders each export with its doc comment and tags, public members only, and lists what has no doc comment", () => {
    const { markdown, undocumented } = renderApiReference(dir);
    expect(markdown).toContain("### Widget\n\nclass · `lib/widget.ts`\n\nA widget.\n\n```ts\nnew Widget(props: WidgetProps)\n```");
    expect(markdown).toContain("| `Widget.named()` | `(name: string) => Widget` | Makes one from a name. |");
    expect(markdown).toContain("| `size` | `string` | Its size. |");
    expect(markdown).toContain("| `grow()` | `(by?: number) => number` | Grows it. · @returns the new size |");
    expect(markdown).toContain("| `count?` | `number` | How many. · @default 3 |");
    expect(markdown).toContain("| `size` | `'small' \\| 'large'` |  |");
    expect(markdown).toContain("```ts\nconst MAX_COUNT: 20\n```");
    expect(markdown).toContain("```ts\ntype Size = WidgetProps['size']\n```");
    expect(markdown).not.toMatch(/secret|hidden|internalOnly/);
    // Sections by kind, names sorted within each.
    expect([...markdown.matchAll(/^##+ (.*)$/gm)].map((m) => m[1])).toEqual(["Classes", "Widget", "Interfaces", "WidgetProps", "Types", "Size", "Constants", "MAX_COUNT"]);
    expect(undocumented).toEqual(["Size", "WidgetProps.size"]);
  });

  test("npm run api-docs -- --check fails while the file is missing or stale, and passes once it is written", () => {
    const run = (argv: string[]) => {
      const out: string[] = [];
      const code = apiDocsCommand(argv, { env: {}, cwd: dir, stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => out.push(t) } });
      return { code, text: out.join("") };
    };
    fs.mkdirSync(path.join(dir, "help"));
    expect(run(["--check"])).toEqual({ code: 1, text: expect.stringContaining("api-docs: help/api.md is missing; run npm run api-docs\n") });
    expect(run([])).toEqual({ code: 0, text: expect.stringContaining("api-docs: wrote help/api.md\n") });
    expect(run(["--check"])).toEqual({ code: 0, text: expect.stringContaining("api-docs: help/api.md is current\n") });
    fs.appendFileSync(path.join(dir, "help", "api.md"), "edited by hand\n");
    expect(run(["--check"])).toEqual({ code: 1, text: expect.stringContaining("api-docs: help/api.md is stale; run npm run api-docs\n") });
  });
});
