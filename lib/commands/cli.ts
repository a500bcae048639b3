import { parseArgs } from "util";
import { ignoreClosedStdout } from "../private/quiet-pipe";
import { terminalSafe, visible } from "../private/visible-text";

/**
 * The one command-line convention of every command (`npm run NAME`): options parsed by node:util's
 * parseArgs, `--help`/`-h` on every command (usage, options and exit codes, doing nothing else), a
 * mistake in the arguments reported on one line that names the option and the fix, and one
 * exit-code table.
 */

export interface Writer {
  write(text: string): unknown;
}

/** What a command reads and writes: its only contact with the process. */
export interface CommandIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The directory relative paths are resolved against. */
  readonly cwd: string;
  readonly stdout: Writer;
  readonly stderr: Writer;
}

/** The exit codes every command shares; 3 and 4 are each command's own, listed in its --help. */
export const EXIT = {
  /** Done: written, printed, applied, or the check passed. */
  ok: 0,
  /** Failed: the check found a problem, or the input cannot be used; the message says which. */
  failed: 1,
  /** Usage: an unknown option, a bad option value or a wrong number of arguments; nothing was done. */
  usage: 2,
} as const;

/** The usage line of every command's exit-code list. */
export const USAGE_EXIT = "usage: an unknown option, a bad option value or a wrong number of arguments; nothing was done";

/** The shared table, as README.md shows it. */
export const EXIT_TABLE: ReadonlyArray<readonly [number | string, string]> = [
  [EXIT.ok, "done: written, printed, applied, or the check passed"],
  [EXIT.failed, "failed: the check found a problem, or the input (configuration, file, deployment) cannot be used; the message says which"],
  [EXIT.usage, USAGE_EXIT],
  ["3, 4", "the command's own outcomes, listed with each command"],
];

export interface OptionSpec {
  readonly type: "boolean" | "string";
  readonly short?: string;
  /** The value's name in the help, for a string option: `FILE`, `SECONDS`. */
  readonly value?: string;
  /**
   * For a boolean option that may carry a value written inline only (`--sarif` or `--sarif=FILE`),
   * the value's name; its value is then `true` or the string. The next argument is never taken as its
   * value: `--sarif stack.json` is the flag and a path.
   */
  readonly inlineValue?: string;
  /** Given twice is a mistake (two would mean different things); otherwise the last one counts. */
  readonly once?: boolean;
  /** One line (wrapped in the help if long). */
  readonly help: string;
}

export interface CommandSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** The command's name: `synth`, `plan-review`. */
  readonly name: string;
  /** The usage lines, without `usage: `: `npm run config -- [--json]`. */
  readonly usage: readonly string[];
  /** What the command does, a paragraph or more, wrapped as written. */
  readonly about: string;
  /** The options, by long name (`--help` is added to every command). */
  readonly options: O;
  /** Positional arguments: their name in messages and how many at most. @default none */
  readonly positionals?: { readonly name: string; readonly max: number };
  /** Exit codes other than 2 (usage, the same for every command), with what each means here. */
  readonly exits: ReadonlyArray<readonly [number, string]>;
}

type Values<O extends Record<string, OptionSpec>> = {
  -readonly [K in keyof O]?: O[K] extends { inlineValue: string } ? true | string : O[K]["type"] extends "boolean" ? boolean : string;
};

export interface Parsed<O extends Record<string, OptionSpec>> {
  readonly values: Values<O>;
  readonly positionals: readonly string[];
}

/** A mistake in the arguments: exit 2, each problem one line (`<command>: <problem>; <fix>`). */
export class UsageError extends Error {
  readonly problems: readonly string[];
  constructor(...problems: string[]) {
    super(problems.join("; "));
    this.problems = problems;
  }
}

const HELP_OPTION: OptionSpec = { type: "boolean", short: "h", help: "print this help and exit 0, doing nothing else" };

/** `spec`'s options with `--help`. */
function allOptions(spec: CommandSpec): Record<string, OptionSpec> {
  return { ...spec.options, help: HELP_OPTION };
}

/** How to run the command's help: `npm run config -- --help`. */
export function helpCommand(spec: CommandSpec): string {
  const words = spec.usage[0].split(" ");
  const at = words.indexOf(spec.name);
  const run = at === -1 ? spec.name : words.slice(0, at + 1).join(" ");
  return run.startsWith("npm run ") ? `${run} -- --help` : `${run} --help`;
}

/** The exit codes of `spec`, 2 (usage) included, in order. */
export function exitCodes(spec: CommandSpec): Array<readonly [number, string]> {
  return [...spec.exits.filter(([code]) => code !== EXIT.usage), [EXIT.usage, USAGE_EXIT] as const].sort((a, b) => a[0] - b[0]);
}

/** The command's own exit codes (2, the same for all, left out) on one line, as README.md's table lists them. */
export function exitCodeSummary(spec: CommandSpec): string {
  return exitCodes(spec)
    .filter(([code]) => code !== EXIT.usage)
    .map(([code, text]) => `${code} ${text.replace(/\s+/g, " ")}`)
    .join("; ");
}

/** Lines of the help are kept within this many columns where the text allows. */
const HELP_WIDTH = 100;

/** `text` in lines of at most `width` columns, broken at spaces (a longer word stays whole). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

/** The text `--help` prints: usage, what the command does, options, exit codes. */
export function helpText(spec: CommandSpec): string {
  const options = Object.entries(allOptions(spec)).map(([name, o]) => {
    const value = o.type === "string" ? ` ${o.value ?? "VALUE"}` : o.inlineValue !== undefined ? `[=${o.inlineValue}]` : "";
    const flag = `${o.short ? `-${o.short}, ` : ""}--${name}${value}`;
    return [flag, o.help] as const;
  });
  const width = Math.max(...options.map(([flag]) => flag.length));
  const usage = spec.usage.map((line, i) => `${i === 0 ? "usage: " : "       "}${line}`);
  return (
    `${usage.join("\n")}\n\n${spec.about.trim()}\n\noptions:\n` +
    options.map(([flag, text]) => `  ${flag.padEnd(width)}  ${wrap(text, HELP_WIDTH - width - 4).join(`\n${" ".repeat(width + 4)}`)}`).join("\n") +
    "\n\nexit codes:\n" +
    exitCodes(spec)
      .map(([code, text]) => `  ${code}  ${text}`)
      .join("\n") +
    "\n"
  );
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** The fix for an unknown option: the nearest known one, or the list. */
function unknownOptionFix(spec: CommandSpec, given: string): string {
  const names = Object.keys(allOptions(spec));
  const bare = given.replace(/^-+/, "").split("=")[0];
  const nearest = names.map((n) => [n, distance(bare, n)] as const).sort((a, b) => a[1] - b[1])[0];
  // One edit for a short name; two (a swap of two letters, say) from four letters on.
  if (nearest && nearest[1] <= (nearest[0].length <= 3 ? 1 : Math.max(2, Math.floor(nearest[0].length / 3)))) return `did you mean --${nearest[0]}? (${helpCommand(spec)})`;
  return names.length === 1 ? `it takes no options (${helpCommand(spec)})` : `it takes ${names.map((n) => `--${n}`).join(", ")} (${helpCommand(spec)})`;
}

/**
 * Parses `argv` by `spec`: `"help"` when `--help` or `-h` is among the options (whatever else is
 * there), else the values and positionals.
 * @throws UsageError naming every unknown option, missing or unexpected value, repeated option and extra argument
 */
export function parseCommandLine<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, argv: readonly string[]): Parsed<O> | "help" {
  const options = allOptions(spec);
  const config = Object.fromEntries(Object.entries(options).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}) }]));
  const { tokens } = parseArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  // `--out --help` is help too: a string option's value is never taken from an argument that starts with `-` (below).
  const helpAsValue = (t: (typeof tokens)[number]) => t.kind === "option" && !t.inlineValue && t.value !== undefined && /^(--help(=.*)?|-h)$/s.test(t.value);
  if (tokens.some((t) => t.kind === "option" && (t.name === "help" || helpAsValue(t)))) return "help";
  const problems: string[] = [];
  /** After an unknown option or a missing value, the arguments that follow may be misread: no count of them is judged. */
  let unsure = false;
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== "option") continue;
    const option = options[token.name];
    const raw = visible(token.rawName);
    if (option === undefined) {
      unsure = true;
      problems.push(`unknown option ${visible(token.inlineValue ? argv[token.index] : token.rawName)}; ${unknownOptionFix(spec, token.rawName)}`);
      continue;
    }
    if (token.name in values && option.once) {
      problems.push(`${raw} is given twice; give it once`);
      continue;
    }
    if (option.type === "boolean" && option.inlineValue !== undefined) {
      if (token.value === "") problems.push(`${raw}= needs ${option.inlineValue === "FILE" ? "a file name" : "a value"}: ${raw}=${option.inlineValue}, or ${raw} alone`);
      else values[token.name] = token.value ?? true;
      continue;
    }
    if (option.type === "boolean") {
      if (token.value !== undefined) problems.push(`${raw} takes no value (got ${JSON.stringify(token.value)}); give ${raw} alone`);
      else values[token.name] = true;
      continue;
    }
    // A string option: `--out FILE` or `--out=FILE`; `--out --json` is a missing value, not a file named --json.
    const value = token.value;
    if (value === undefined || value === "" || (!token.inlineValue && value.startsWith("-") && value !== "-")) {
      unsure = true;
      problems.push(`${raw} needs a value: ${raw} ${option.value ?? "VALUE"}`);
      continue;
    }
    values[token.name] = value;
  }
  const max = spec.positionals?.max ?? 0;
  if (positionals.length > max && !unsure) {
    const extra = positionals[max];
    problems.push(
      max === 0
        ? `unexpected argument ${JSON.stringify(extra)}; it takes no arguments, only options (${helpCommand(spec)})`
        : `unexpected argument ${JSON.stringify(extra)}; give at most ${max === 1 ? "one" : max} ${spec.positionals?.name}`,
    );
  }
  if (problems.length > 0) throw new UsageError(...problems);
  return { values: values as Values<O>, positionals };
}

/** A command: `(argv, io) => exit code`, with its spec for the help and the tests. */
export type Command<IO extends { stdout: Writer; stderr: Writer } = CommandIo, R extends number | Promise<number> = number | Promise<number>> = ((
  argv: readonly string[],
  io: IO,
) => R) & { readonly spec: CommandSpec };

/**
 * A command by `spec`: `--help` prints the help and returns 0 without calling `body`; a UsageError,
 * from parsing or thrown by `body` while it checks option values, is printed and returns 2.
 */
export function defineCommand<O extends Record<string, OptionSpec>, IO extends { stdout: Writer; stderr: Writer }, R extends number | Promise<number>>(
  spec: CommandSpec<O>,
  body: (args: Parsed<O>, io: IO) => R,
): Command<IO, R> {
  const usage = (io: IO, error: unknown): number => {
    if (!(error instanceof UsageError)) throw error;
    for (const problem of error.problems) io.stderr.write(`${spec.name}: ${visible(problem)}\n`);
    return EXIT.usage;
  };
  const run = (argv: readonly string[], io: IO): R => {
    let result: R;
    try {
      const parsed = parseCommandLine(spec, argv);
      if (parsed === "help") {
        io.stdout.write(helpText(spec));
        return EXIT.ok as R;
      }
      result = body(parsed, io);
    } catch (error) {
      return usage(io, error) as R;
    }
    return (result instanceof Promise ? result.catch((error: unknown) => usage(io, error)) : result) as R;
  };
  return Object.assign(run, { spec: spec as unknown as CommandSpec });
}

/** The process's streams and environment as a command sees them: terminal-safe output. */
export function processIo(): CommandIo {
  return { env: process.env, cwd: process.cwd(), stdout: terminalSafe(process.stdout), stderr: terminalSafe(process.stderr) };
}

/**
 * Runs `command` as this process's entry point (main.ts, scripts/NAME.ts) and sets its exit code.
 * `afterMs`: once the code is known, exit after this long even if something (a credential plugin
 * waiting for a login) keeps the event loop busy.
 */
export function runMain(command: Command, options: { readonly exitAfterMs?: number } = {}): void {
  ignoreClosedStdout();
  const done = (code: number) => {
    process.exitCode = code;
    if (options.exitAfterMs !== undefined) setTimeout(() => process.exit(code), options.exitAfterMs).unref();
  };
  const result = command(process.argv.slice(2), processIo());
  if (typeof result === "number") done(result);
  else void result.then(done);
}
