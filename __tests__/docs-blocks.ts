/**
 * The code blocks of the docs (README.md and help/*.md) that a reader would type into a shell, as
 * __tests__/docs-run/docs-run.test.ts (npm run test:docs) runs them. Markers and rules: that test file's header, and
 * help/README.md ("Docs that run").
 */
import * as fs from "fs";
import MarkdownIt from "markdown-it";
import * as path from "path";

/** Fence languages whose block is a script: run with `bash -euo pipefail`, must exit 0. */
export const SCRIPT_LANGUAGES: readonly string[] = ["sh", "bash", "shell"];
/** A terminal session: `$ ` lines are commands, the lines after each are what it prints. */
export const CONSOLE_LANGUAGE = "console";
/** Fence languages that are never run. A language in neither list is a problem, so that nothing a reader types slips by. */
export const OTHER_LANGUAGES: readonly string[] = ["text", "yaml", "yml", "json", "hcl", "ts", "typescript", "js", "javascript", "mermaid", "diff", "markdown"];

/** One command of a `console` block and the lines it is shown printing. */
export interface ConsoleCommand {
  readonly command: string;
  /** The lines shown after the command, before the next `$ `; each must appear, in this order, in what it prints. */
  readonly output: readonly string[];
}

export interface DocBlock {
  /** The page, relative to the repository, e.g. `help/plan-review.md`. */
  readonly file: string;
  /** The line of the opening fence, counting from 1. */
  readonly line: number;
  readonly language: string;
  /** `script`: run as a whole; `console`: each command run and its shown output checked; `skip`: a marker says why not. */
  readonly kind: "script" | "console" | "skip";
  /** The block's text, as a reader copies it. */
  readonly code: string;
  /** A `console` block's commands. */
  readonly commands: readonly ConsoleCommand[];
  /** Why a `skip` block is not run. */
  readonly reason?: string;
  /** What a reader types at the block's prompts (`input` marker): standard input, else end of file. */
  readonly input?: string;
}

export interface PageBlocks {
  /** Every shell (`script`, `console`) block of the page, marked or not, in order. */
  readonly blocks: readonly DocBlock[];
  /** What is wrong with the page's fences and markers, each as `file:line: message`; the docs test fails on any. */
  readonly problems: readonly string[];
}

const MARKER = /^<!--\s*docs-test:\s*(.*?)\s*-->$/;
const ANY_COMMENT = /^<!--.*-->$/;
const parser = new MarkdownIt();

/**
 * The shell blocks of one Markdown page. `file` names the page in problems. A marker is an HTML
 * comment on its own line directly above a fence (other one-line comments may stand between them):
 * `<!-- docs-test: skip (REASON) -->` or `<!-- docs-test: input TEXT -->`.
 */
export function pageBlocks(file: string, markdown: string): PageBlocks {
  const lines = markdown.split("\n");
  const blocks: DocBlock[] = [];
  const problems: string[] = [];
  const inCode = new Set<number>(); // 0-based lines inside a fence or indented code block
  const attached = new Set<number>(); // 0-based lines of markers that stand above a fence

  for (const token of parser.parse(markdown, {})) {
    if ((token.type !== "fence" && token.type !== "code_block") || !token.map) continue;
    const [start, end] = token.map;
    for (let i = start; i < end; i++) inCode.add(i);
    const where = `${file}:${start + 1}`;
    if (token.type === "code_block") {
      // Shown as code, as a fence is, but with no language to say whether to run it: it would slip by unrun.
      problems.push(`${where}: an indented code block: write it as a fence with a language (\`sh\`, \`console\`, \`text\`, ...)`);
      continue;
    }
    const language = token.info.trim().split(/\s+/)[0] ?? "";

    const markers: Array<{ text: string; line: number }> = [];
    for (let i = start - 1; i >= 0 && ANY_COMMENT.test(lines[i].trim()); i--) {
      const marker = MARKER.exec(lines[i].trim());
      if (marker) {
        markers.unshift({ text: marker[1], line: i });
        attached.add(i);
      }
    }

    if (language === "") {
      problems.push(`${where}: a fence with no language: write \`sh\` for commands to run, \`console\` for commands with their output (\`$ \` prompts), \`text\` for output alone`);
      continue;
    }
    const script = SCRIPT_LANGUAGES.includes(language);
    const consoleBlock = language === CONSOLE_LANGUAGE;
    if (!script && !consoleBlock) {
      if (!OTHER_LANGUAGES.includes(language)) {
        problems.push(`${where}: fence language "${language}" is unknown to the docs test: use one of ${[...SCRIPT_LANGUAGES, CONSOLE_LANGUAGE].join(", ")} (run) or ${OTHER_LANGUAGES.join(", ")} (not run), or add it to a list in __tests__/docs-blocks.ts`);
      }
      for (const marker of markers) problems.push(`${file}:${marker.line + 1}: a docs-test marker above a ${language} block, which is never run`);
      continue;
    }

    let reason: string | undefined;
    let input: string | undefined;
    for (const marker of markers) {
      const at = `${file}:${marker.line + 1}`;
      const skip = /^skip\s*\((.*)\)$/.exec(marker.text);
      const typed = /^input (.+)$/.exec(marker.text);
      if (skip) {
        if (skip[1].trim() === "") problems.push(`${at}: a skip marker needs its reason: <!-- docs-test: skip (needs …) -->`);
        else if (reason !== undefined) problems.push(`${at}: a second skip marker for one block`);
        else reason = skip[1].trim();
      } else if (typed) {
        if (input !== undefined) problems.push(`${at}: a second input marker for one block`);
        else input = `${typed[1]}\n`;
      } else {
        problems.push(`${at}: unknown docs-test marker "${marker.text}": use "skip (REASON)" or "input TEXT"`);
      }
    }
    const commands = consoleBlock ? consoleCommands(token.content) : [];
    if (consoleBlock && commands.length === 0) problems.push(`${where}: a console block with no \`$ \` command: tag output alone \`text\``);
    blocks.push({
      file,
      line: start + 1,
      language,
      kind: reason !== undefined ? "skip" : script ? "script" : "console",
      code: token.content,
      commands,
      ...(reason !== undefined ? { reason } : {}),
      ...(input !== undefined ? { input } : {}),
    });
  }

  lines.forEach((text, i) => {
    if (inCode.has(i) || attached.has(i) || !/^<!--\s*docs-test\b/.test(text.trim())) return;
    problems.push(`${file}:${i + 1}: a docs-test marker that no fence follows: put it on the line directly above the block's opening fence`);
  });
  return { blocks, problems };
}

/** A console block's commands: `$ ` starts one (a trailing `\` continues it), and the lines up to the next `$ ` are its output. */
export function consoleCommands(content: string): ConsoleCommand[] {
  const commands: Array<{ command: string; output: string[] }> = [];
  let continuing = false;
  for (const line of content.replace(/\n$/, "").split("\n")) {
    const current = commands[commands.length - 1];
    if (continuing && current) {
      current.command += `\n${line}`;
      continuing = line.endsWith("\\");
    } else if (line.startsWith("$ ")) {
      commands.push({ command: line.slice(2), output: [] });
      continuing = line.endsWith("\\");
    } else if (current) {
      current.output.push(line.trimEnd());
    }
  }
  return commands;
}

/** The pages the docs test reads: README.md and every help/*.md, relative to `root`, in order. */
export function docPages(root: string): string[] {
  const help = fs
    .readdirSync(path.join(root, "help"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `help/${f}`);
  return ["README.md", ...help];
}

/** The shell blocks of every page under `root`, and every page's problems. */
export function allDocBlocks(root: string): { pages: Array<{ file: string; blocks: readonly DocBlock[] }>; problems: string[] } {
  const pages: Array<{ file: string; blocks: readonly DocBlock[] }> = [];
  const problems: string[] = [];
  for (const file of docPages(root)) {
    const page = pageBlocks(file, fs.readFileSync(path.join(root, file), "utf8"));
    pages.push({ file, blocks: page.blocks });
    problems.push(...page.problems);
  }
  return { pages, problems };
}

/**
 * Whether `shown` lines appear in `printed`, in order (each a whole line, trailing spaces ignored);
 * the first shown line that does not, else undefined.
 */
export function missingLine(shown: readonly string[], printed: string): string | undefined {
  const actual = printed.split("\n").map((l) => l.trimEnd());
  let at = 0;
  for (const line of shown) {
    const found = actual.indexOf(line, at);
    if (found === -1) return line;
    at = found + 1;
  }
  return undefined;
}
