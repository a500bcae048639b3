import * as path from "path";
import { allDocBlocks, consoleCommands, missingLine, pageBlocks } from "./docs-blocks";

const ROOT = path.join(__dirname, "..");

describe("pageBlocks: the shell blocks of a page and their markers", () => {
  test("an unmarked sh, bash or shell block is a script to run, with its line and text", () => {
    const page = pageBlocks("p.md", "# P\n\n```sh\nnpm run synth\n```\n\ntext\n\n```bash\necho a\n```\n\n```shell\necho b\n```\n");
    expect(page.problems).toEqual([]);
    expect(page.blocks.map((b) => [b.line, b.language, b.kind, b.code])).toEqual([
      [3, "sh", "script", "npm run synth\n"],
      [9, "bash", "script", "echo a\n"],
      [13, "shell", "script", "echo b\n"],
    ]);
  });

  test("a block under a skip marker is skipped with the marker's reason", () => {
    const page = pageBlocks("p.md", "Sign in:\n\n<!-- docs-test: skip (needs an Azure subscription: az login) -->\n```sh\naz login\n```\n");
    expect(page.problems).toEqual([]);
    expect(page.blocks).toEqual([
      expect.objectContaining({ file: "p.md", line: 4, kind: "skip", reason: "needs an Azure subscription: az login", code: "az login\n" }),
    ]);
  });

  test("a marker may stand above another one-line comment that stands above the fence, in a list item too", () => {
    const page = pageBlocks("p.md", "1. Step:\n   <!-- docs-test: skip (needs a cluster) -->\n   <!-- steps: scripts/x.sh -->\n   ```sh\n   kubectl get pods\n   ```\n");
    expect(page.problems).toEqual([]);
    expect(page.blocks).toEqual([expect.objectContaining({ line: 4, kind: "skip", reason: "needs a cluster", code: "kubectl get pods\n" })]);
  });

  test("an input marker gives the block's standard input, the text and a newline", () => {
    const page = pageBlocks("p.md", "<!-- docs-test: input Hello! -->\n```sh\nread -rs V && export V\n```\n");
    expect(page.problems).toEqual([]);
    expect(page.blocks).toEqual([expect.objectContaining({ kind: "script", input: "Hello!\n" })]);
  });

  test("a console block's commands, with the lines shown after each", () => {
    const page = pageBlocks("p.md", "```console\n$ npm run config \\\n  -- --json\n{\n}\n$ echo done\ndone\n```\n");
    expect(page.problems).toEqual([]);
    expect(page.blocks[0].kind).toBe("console");
    expect(page.blocks[0].commands).toEqual([
      { command: "npm run config \\\n  -- --json", output: ["{", "}"] },
      { command: "echo done", output: ["done"] },
    ]);
  });

  test("yaml, ts, text and mermaid blocks are not shell blocks", () => {
    const page = pageBlocks("p.md", "```yaml\na: 1\n```\n\n```ts\nconst a = 1;\n```\n\n```text\nout\n```\n\n```mermaid\ngraph LR\n```\n");
    expect(page).toEqual({ blocks: [], problems: [] });
  });

  test.each([
    ["an unknown marker", "<!-- docs-test: skip-if-offline -->\n```sh\nls\n```\n", 'p.md:1: unknown docs-test marker "skip-if-offline": use "skip (REASON)" or "input TEXT"'],
    ["a skip without its reason", "<!-- docs-test: skip () -->\n```sh\nls\n```\n", "p.md:1: a skip marker needs its reason: <!-- docs-test: skip (needs …) -->"],
    ["a marker that no fence follows", "<!-- docs-test: skip (needs Azure) -->\n\n```sh\nls\n```\n", "p.md:1: a docs-test marker that no fence follows: put it on the line directly above the block's opening fence"],
    ["a marker above a block that is never run", "<!-- docs-test: skip (needs Azure) -->\n```yaml\na: 1\n```\n", "p.md:1: a docs-test marker above a yaml block, which is never run"],
    ["two skip markers", "<!-- docs-test: skip (a) -->\n<!-- docs-test: skip (b) -->\n```sh\nls\n```\n", "p.md:2: a second skip marker for one block"],
    [
      "a fence with no language",
      "```\n$ npm run synth\n```\n",
      "p.md:1: a fence with no language: write `sh` for commands to run, `console` for commands with their output (`$ ` prompts), `text` for output alone",
    ],
    [
      "a fence language the docs test does not know",
      "```zsh\nls\n```\n",
      'p.md:1: fence language "zsh" is unknown to the docs test: use one of sh, bash, shell, console (run) or text, yaml, yml, json, hcl, ts, typescript, js, javascript, mermaid, diff, markdown (not run), or add it to a list in __tests__/docs-blocks.ts',
    ],
    ["a console block with no command", "```console\nonly output\n```\n", "p.md:1: a console block with no `$ ` command: tag output alone `text`"],
    ["an indented code block", "Run:\n\n    npm run synth\n", "p.md:3: an indented code block: write it as a fence with a language (`sh`, `console`, `text`, ...)"],
  ])("%s is a problem", (_label, markdown, problem) => {
    expect(pageBlocks("p.md", markdown).problems).toEqual([problem]);
  });

  test("a marker shown inside a code block, or quoted in a sentence, is text, not a marker", () => {
    const page = pageBlocks("p.md", "Write `<!-- docs-test: skip (REASON) -->` above it:\n\n```text\n<!-- docs-test: bogus -->\n```\n");
    expect(page).toEqual({ blocks: [], problems: [] });
  });
});

describe("console blocks' output", () => {
  test("the shown lines must appear in order, as whole lines, trailing spaces ignored", () => {
    expect(missingLine(["a", "c"], "> npm banner\na  \nb\nc\n")).toBeUndefined();
    expect(missingLine(["c", "a"], "a\nb\nc\n")).toBe("a");
    expect(missingLine(["  - x"], "  - x: more\n")).toBe("  - x");
  });

  test("a command with no output shown has none", () => {
    expect(consoleCommands("$ true\n")).toEqual([{ command: "true", output: [] }]);
  });
});

describe("README.md and help/*.md", () => {
  const { pages, problems } = allDocBlocks(ROOT);

  test("every fence has a language the docs test knows, and every marker is understood", () => {
    expect(problems).toEqual([]);
  });

  test("every page is read, and every block that is not run says why", () => {
    expect(pages.map((p) => p.file)).toEqual(expect.arrayContaining(["README.md", "help/plan-review.md", "help/getting-started.md"]));
    const blocks = pages.flatMap((p) => p.blocks);
    expect(blocks.filter((b) => b.kind === "skip").every((b) => (b.reason ?? "").length > 10)).toBe(true);
    expect(blocks.find((b) => b.file === "help/plan-review.md")?.kind).toBe("script");
  });
});
