/**
 * Reads the file `AKS_WI_CONFIG` names, as hostile input: whatever it is (a FIFO, /dev/zero, a
 * binary, /etc/shadow, an alias bomb, a file nested ten thousand deep), the result is the parsed
 * object or a ConfigError, in bounded time and memory, and no problem echoes the file's contents
 * beyond the short excerpt of one value.
 */
import { isUtf8 } from "buffer";
import * as fs from "fs";
import type * as Yaml from "yaml";
import { ConfigError, ConfigProblem } from "./errors";
import { CONFIG_FILE_VARIABLE, SCHEMA } from "./schema";
import { closestKey } from "./suggest";

/** What the reader accepts. A configuration of 5000 workloads, every key set, is about 1.5 MiB of YAML and nests 4 deep. */
export const CONFIG_FILE_LIMITS = {
  /** Largest file read: 4 MiB. YAML parses at a few MiB a second, so this also bounds the time. */
  bytes: 4 * 1024 * 1024,
  /** Deepest nesting of lists and objects. The parsers recurse, and overflowed the stack at about 1000 (YAML) or 4000 (JSON, in the loader). */
  depth: 32,
  /**
   * YAML alias budget, as the yaml package counts it: for each anchor, the times it is used times
   * the aliases it holds. One anchor used by every one of 5000 workloads costs 5000; an alias bomb
   * (an anchor of nine aliases of an anchor of nine aliases ...) passes it within a few levels.
   */
  yamlAliases: 50_000,
  /**
   * Entries of a YAML file (flow-list commas, block-list dashes, keys), counted cheaply before parsing:
   * the yaml package holds about 1.6 KB per entry while composing, so a 4 MiB file of `{},` took 2.2 GB.
   * 5000 workloads with every key set are about 60,000.
   */
  yamlEntries: 250_000,
  /** Alias uses in a YAML file: the package's budget check grows with their square (60,000 took 40 s). */
  yamlAliasUses: 10_000,
} as const;

/** Unknown top-level keys looked at to decide whether a file is a configuration with typos or no configuration at all. */
const KEYS_SAMPLED = 100;

/** A problem with the file as a whole, reported at `AKS_WI_CONFIG`. */
interface FileProblem {
  readonly problem: string;
  readonly fix: string;
}

class Unusable extends Error {
  constructor(readonly problems: readonly FileProblem[]) {
    super(problems[0]?.problem);
  }
}

const fail = (problem: string, fix: string): never => {
  throw new Unusable([{ problem, fix }]);
};

/**
 * The configuration object in the file at `absolute`.
 * @param given the name as the user gave it, shown in every problem with the path it was read as
 * @throws ConfigError listing every problem found with the file
 */
export function readConfigFile(absolute: string, given: string): Record<string, unknown> {
  try {
    return parseConfigText(readBounded(absolute), absolute);
  } catch (error) {
    if (!(error instanceof Unusable)) throw error;
    const resolved = absolute === given ? {} : { resolved: absolute };
    throw new ConfigError(error.problems.map((p): ConfigProblem => ({ path: CONFIG_FILE_VARIABLE, value: given, ...resolved, ...p })));
  }
}

/** Opens without blocking (a FIFO with no writer would wait forever) and reads only a regular file, at most the size limit. */
function readBounded(absolute: string): Buffer {
  const flags = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0);
  let fd: number;
  try {
    fd = fs.openSync(absolute, flags);
  } catch (error) {
    return fail(...openProblem((error as NodeJS.ErrnoException).code, error));
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) fail("names a directory, not a file", "point it at a JSON or YAML file");
    if (!stat.isFile()) fail(`names ${fileKind(stat)}, not a regular file`, "copy the configuration into a regular file and name that");
    if (stat.size > CONFIG_FILE_LIMITS.bytes) fail(tooLarge(stat.size), "keep only the configuration in it, or split it across stacks");
    // Read one byte past the limit: the file may have grown since fstat.
    const buffer = Buffer.alloc(Math.min(stat.size, CONFIG_FILE_LIMITS.bytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > CONFIG_FILE_LIMITS.bytes) fail(tooLarge(length, true), "keep only the configuration in it, or split it across stacks");
        return buffer; // unreachable: the buffer is one byte longer than any accepted file
      }
      const read = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) return buffer.subarray(0, length);
      length += read;
    }
  } catch (error) {
    if (error instanceof Unusable) throw error;
    return fail(`names a file that cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, "check the path and its permissions");
  } finally {
    fs.closeSync(fd);
  }
}

function openProblem(code: string | undefined, error: unknown): [string, string] {
  switch (code) {
    case "ENOENT":
      return ["names a file that does not exist", "point it at a JSON or YAML file, or unset it for the defaults"];
    case "EISDIR":
      return ["names a directory, not a file", "point it at a JSON or YAML file"];
    case "EACCES":
    case "EPERM":
      return ["names a file this user may not read (" + code + ")", "check the path and its permissions"];
    case "ENOTDIR":
      return ["names a path through something that is not a directory (ENOTDIR)", "check the path"];
    case "ELOOP":
      return ["names a symbolic link that loops (ELOOP)", "check the path"];
    case "ENXIO":
      return ["names a socket or device that cannot be opened for reading (ENXIO)", "copy the configuration into a regular file and name that"];
    default:
      return [`names a file that cannot be read (${code ?? String(error)})`, "check the path and its permissions"];
  }
}

function fileKind(stat: fs.Stats): string {
  if (stat.isFIFO()) return "a FIFO (named pipe)";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  return "something";
}

/** @param bytes the file's size, or what was read of it (which stopped one byte past the limit) */
function tooLarge(bytes: number, read = false): string {
  const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  const size = read ? `more than ${mib(CONFIG_FILE_LIMITS.bytes)}` : mib(bytes);
  return `names a file of ${size}; a configuration file may be at most ${mib(CONFIG_FILE_LIMITS.bytes)} (5000 workloads with every key set take about 1.5 MiB)`;
}

/** The bytes as text, or a problem naming the first byte that is not UTF-8, by line and column. */
function decode(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) fail("names a UTF-16 file (it starts with a UTF-16 byte-order mark)", "save it as UTF-8");
  if (bytes[0] === 0xfe && bytes[1] === 0xff) fail("names a UTF-16 file (it starts with a UTF-16 byte-order mark)", "save it as UTF-8");
  if (!isUtf8(bytes)) {
    const offset = firstInvalidUtf8(bytes);
    const { line, column } = position(bytes.subarray(0, offset).toString("utf8"));
    fail(`is not UTF-8 text: byte 0x${bytes[offset].toString(16).padStart(2, "0")} at line ${line}, column ${column} starts no UTF-8 character`, "save the file as UTF-8");
  }
  return bytes.toString("utf8").replace(/^\uFEFF/, "");
}

/** Offset of the first byte of `bytes` that does not begin or continue a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need: number;
    let min = 0x80;
    let max = 0xbf;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) min = 0xa0; // overlong
      if (b === 0xed) max = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) min = 0x90; // overlong
      if (b === 0xf4) max = 0x8f; // past U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? min : 0x80) || c > (k === 1 ? max : 0xbf)) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

/** Line and column (both from 1) just after `before`. */
function position(before: string): { line: number; column: number } {
  const lines = before.split("\n");
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** Parses the text of a configuration file (JSON by its extension, YAML otherwise) and checks that it is a configuration. */
function parseConfigText(bytes: Buffer, absolute: string): Record<string, unknown> {
  const text = decode(bytes);
  if (text.trim() === "") fail("names an empty file", "write a JSON or YAML object into it, e.g. {} for the defaults");
  let parsed: unknown;
  try {
    parsed = /\.json$/i.test(absolute) ? parseJson(text) : parseYaml(text);
  } catch (error) {
    // The depth checks keep the parsers' recursion shallow; this is the last line of defence.
    if (!(error instanceof RangeError)) throw error;
    fail(`nests too deep for the parser (${error.message})`, "remove the extra nesting");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    fail(`holds ${describeType(parsed)}, not an object`, "make the top level an object of keys such as location and workloads");
  }
  const top = parsed as Record<string, unknown>;
  const keys = Object.keys(top);
  // A file with none of the keys, not even misspelt, is not a configuration with typos: one problem,
  // not one per line of (say) /etc/passwd, and none of its contents repeated.
  if (keys.length > 0 && !hasConfigurationKey(keys)) {
    fail(
      `holds ${keys.length === 1 ? "1 top-level key" : `${keys.length} top-level keys`} and none is a configuration key (such as location, suffix or workloads); it is not a configuration file`,
      NOT_A_CONFIGURATION_FIX,
    );
  }
  return top;
}

const NOT_A_CONFIGURATION_FIX = "point it at your configuration (every key: help/configuration.md), or unset it for the defaults";

/** Whether one of `keys` is a top-level key of the configuration, or a likely typo of one. */
function hasConfigurationKey(keys: readonly string[]): boolean {
  const known = Object.keys(SCHEMA.fields);
  return keys.some((k) => Object.hasOwn(SCHEMA.fields, k)) || keys.slice(0, KEYS_SAMPLED).some((k) => closestKey(k, known) !== undefined);
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "string" ? "a string" : typeof value === "number" ? "a number" : typeof value === "boolean" ? "a boolean" : typeof value;
}

// ---------------------------------------------------------------------------------------------- JSON

function parseJson(text: string): unknown {
  let parsed: unknown;
  try {
    // JSON.parse judges syntax (YAML would accept unquoted keys and comments) and is ~20x faster than
    // the YAML parser on a large file; it keeps the last of two equal keys, so those are found apart.
    parsed = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    const where = at ? ` at ${lineColumn(text, Number(at[1]))}` : "";
    return fail(`is not valid JSON${where}: ${message.replace(/ in JSON at position \d+.*$/, "").slice(0, 200)}`, "fix the JSON syntax");
  }
  const problems: FileProblem[] = [];
  const scan = scanJson(text, CONFIG_FILE_LIMITS.depth);
  if (scan.tooDeep) {
    problems.push({
      problem: `nests lists and objects more than ${CONFIG_FILE_LIMITS.depth} deep (at line ${scan.tooDeep.line}, column ${scan.tooDeep.column}); a configuration nests at most 4 deep`,
      fix: "remove the extra nesting",
    });
  }
  for (const duplicate of scan.duplicates) {
    problems.push({
      problem: `is not valid JSON at line ${duplicate.line}, column ${duplicate.column}: Map keys must be unique (${JSON.stringify(duplicate.key.slice(0, 60))} is given twice)`,
      fix: "fix the JSON syntax",
    });
  }
  if (problems.length > 0) throw new Unusable(problems);
  return parsed;
}

function lineColumn(text: string, offset: number): string {
  const { line, column } = position(text.slice(0, offset));
  return `line ${line}, column ${column}`;
}

interface JsonScan {
  readonly duplicates: Array<{ key: string; line: number; column: number }>;
  readonly tooDeep?: { line: number; column: number };
}

/** Keys given twice in one object of valid JSON `text`, and where it first nests deeper than `maxDepth`. */
function scanJson(text: string, maxDepth = Infinity): JsonScan {
  const duplicates: JsonScan["duplicates"] = [];
  let tooDeep: JsonScan["tooDeep"];
  const objects: Array<Set<string> | null> = []; // null marks an array
  let expectKey = false;
  // Positions are computed only for what is reported: counting lines as we go costs little, columns nothing until asked.
  let line = 1;
  let lineStart = 0;
  const at = (i: number) => ({ line, column: i - lineStart + 1 });
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") {
      line++;
      lineStart = i + 1;
    } else if (c === "{" || c === "[") {
      objects.push(c === "{" ? new Set() : null);
      expectKey = c === "{";
      if (objects.length > maxDepth && !tooDeep) tooDeep = at(i);
    } else if (c === "}" || c === "]") {
      objects.pop();
      expectKey = false;
    } else if (c === ",") {
      expectKey = objects[objects.length - 1] !== null;
    } else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        const keys = objects[objects.length - 1]!;
        if (keys.has(key)) duplicates.push({ key, ...at(i) });
        keys.add(key);
        expectKey = false;
      }
      i = end;
    }
  }
  return { duplicates, tooDeep };
}

/** The first key given twice in one object of valid JSON `text`, with its position. */
export function findDuplicateJsonKey(text: string): { key: string; line: number; column: number } | undefined {
  return scanJson(text).duplicates[0];
}

// ---------------------------------------------------------------------------------------------- YAML

function parseYaml(text: string): unknown {
  // Loaded only for YAML files: the default configuration and JSON files do not pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml = require("yaml") as typeof Yaml;
  // The yaml package recurses while composing (and its lexer while reading "- - - ..."): the cheap
  // scan below stops what would overflow before the package sees it; the parse tree is then checked exactly.
  const rough = roughYamlDepth(text);
  if (rough.depth > CONFIG_FILE_LIMITS.depth) fail(tooDeepYaml(rough.line), "remove the extra nesting");
  // Over-counts (a comma or "*" inside a quoted value counts too), which only matters far above real configurations.
  const entries = (text.match(/,|^[ \t]*- |: /gm) ?? []).length;
  if (entries > CONFIG_FILE_LIMITS.yamlEntries) {
    fail(`holds about ${entries} YAML entries; a configuration of 5000 workloads has about 60,000 (at most ${CONFIG_FILE_LIMITS.yamlEntries} are read)`, "split the configuration, or remove what is not configuration");
  }
  const aliasUses = (text.match(/(^|[\s,[{:])\*[^\s,\]}]/gm) ?? []).length;
  if (aliasUses > CONFIG_FILE_LIMITS.yamlAliasUses) {
    fail(`uses about ${aliasUses} YAML aliases (at most ${CONFIG_FILE_LIMITS.yamlAliasUses} are read)`, "write the repeated values out, or alias fewer of them");
  }
  const lines = new yaml.LineCounter();
  const tokens = Array.from(new yaml.Parser(lines.addNewLine).parse(text));
  const deepAt = deepestToken(tokens, CONFIG_FILE_LIMITS.depth);
  if (deepAt !== undefined) fail(tooDeepYaml(lines.linePos(deepAt).line), "remove the extra nesting");
  // uniqueKeys compares every key with every other: minutes for a file of 60,000 keys. Duplicates are found below, in one pass.
  const docs = Array.from(new yaml.Composer({ uniqueKeys: false, prettyErrors: false }).compose(tokens, true, text.length));
  const [doc] = docs;
  const found: Array<{ offset: number; problem: string; fix: string }> = [];
  const where = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `line ${line}, column ${col}`;
  };
  for (const error of doc.errors) found.push({ offset: error.pos[0], ...yamlProblem(error.code, error.message) });
  for (const warning of doc.warnings) {
    // An unknown tag (!evil) would be read as its plain value, silently; nothing in a configuration needs one.
    if (warning.code === "TAG_RESOLVE_FAILED") found.push({ offset: warning.pos[0], ...yamlProblem(warning.code, warning.message) });
  }
  if (docs.length > 1) {
    found.push({ offset: docs[1].range[0], problem: `holds ${docs.length} YAML documents`, fix: "keep one document: remove the --- separators after the first" });
  }
  found.push(...duplicateYamlKeys(yaml, doc));
  if (found.length > 0 && !hasConfigurationKey(yaml.isMap(doc.contents) ? doc.contents.items.map((pair) => String(yaml.isScalar(pair.key) ? pair.key.value : pair.key)) : [])) {
    // Not a configuration with a syntax error but some other file (a binary, /etc/shadow): say so
    // once, rather than once for each of its lines.
    const first = found.sort((a, b) => a.offset - b.offset)[0];
    fail(
      `is not a configuration file: it has none of the configuration's keys (such as location, suffix or workloads), and is not valid YAML (${found.length === 1 ? "1 error" : `${found.length} errors`}, the first at ${where(first.offset)}: ${first.problem})`,
      NOT_A_CONFIGURATION_FIX,
    );
  }
  if (found.length > 0) {
    throw new Unusable(
      found.sort((a, b) => a.offset - b.offset).map((f) => ({ problem: `is not valid YAML at ${where(f.offset)}: ${f.problem}`, fix: f.fix })),
    );
  }
  try {
    return doc.toJS({ maxAliasCount: CONFIG_FILE_LIMITS.yamlAliases });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    if (/Excessive alias count/.test(error.message)) {
      return fail(
        `uses YAML aliases that would expand past ${CONFIG_FILE_LIMITS.yamlAliases} references (an alias bomb?); a configuration needs far fewer`,
        "write the repeated values out, or alias fewer of them",
      );
    }
    return fail(`is not valid YAML: ${error.message.split("\n")[0].slice(0, 200)}`, "define each anchor (&name) before its aliases (*name)");
  }
}

function tooDeepYaml(line: number): string {
  return `nests lists and objects more than ${CONFIG_FILE_LIMITS.depth} deep (at line ${line}); a configuration nests at most 4 deep`;
}

function yamlProblem(code: string, message: string): { problem: string; fix: string } {
  const first = message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "").slice(0, 200);
  if (code === "TAG_RESOLVE_FAILED") return { problem: first, fix: "remove the tag: a configuration holds plain strings, numbers, booleans, lists and objects" };
  if (/tab/i.test(first)) return { problem: first, fix: "fix the YAML syntax: indent with spaces, not tabs" };
  return { problem: first, fix: "fix the YAML syntax; quote values that contain { } [ ] : or #" };
}

/** Keys given twice in one mapping, found with one set per mapping (the package's own check is quadratic). */
function duplicateYamlKeys(yaml: typeof Yaml, doc: Yaml.Document.Parsed): Array<{ offset: number; problem: string; fix: string }> {
  const found: Array<{ offset: number; problem: string; fix: string }> = [];
  yaml.visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key as Yaml.Node | null;
        // Keys as toJS turns them into property names: `1` and `"1"` collide there too.
        const name = yaml.isScalar(key) ? String(key.value) : key === null ? "" : String(key);
        if (seen.has(name)) {
          found.push({
            offset: key?.range?.[0] ?? 0,
            problem: `Map keys must be unique (${JSON.stringify(name.slice(0, 60))} is given twice)`,
            fix: "give each key once",
          });
        }
        seen.add(name);
      }
    },
  });
  return found;
}

/**
 * A lower bound of the nesting of YAML `text`, found line by line without parsing: flow brackets
 * outside quotes and comments, and block indicators (`- `, `? `) opened on one line. The cases it
 * misses nest by indentation, and 4 MiB of text indents at most some 2900 levels, which the parser
 * reads without trouble.
 */
export function roughYamlDepth(text: string): { depth: number; line: number } {
  let deepest = { depth: 0, line: 1 };
  let flow = 0;
  let quote: string | undefined; // a quoted scalar that continues on the next line
  let blockScalarIndent = -1; // inside a literal or folded block: its lines are text, not structure
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    const indent = line.length - line.trimStart().length;
    if (blockScalarIndent >= 0) {
      if (line.trim() === "" || indent > blockScalarIndent) continue;
      blockScalarIndent = -1;
    }
    let i = 0;
    if (quote !== undefined) {
      i = closingQuote(line, -1, quote);
      if (i === line.length) continue;
      quote = undefined;
      i++;
    }
    let compact = 0;
    if (i === 0) {
      i = indent;
      if (flow === 0) {
        while ((line[i] === "-" || line[i] === "?") && (line[i + 1] === " " || line[i + 1] === undefined)) {
          compact++;
          i += 2;
          while (line[i] === " ") i++;
        }
      }
    }
    for (; i < line.length; i++) {
      const c = line[i];
      if (c === "#" && (i === 0 || line[i - 1] === " " || line[i - 1] === "\t")) break;
      if ((c === '"' || c === "'") && (flow > 0 || startsValue(line, i))) {
        i = closingQuote(line, i, c);
        if (i === line.length) quote = c;
        continue;
      }
      if ((c === "[" || c === "{") && (flow > 0 || startsValue(line, i))) flow++;
      else if ((c === "]" || c === "}") && flow > 0) flow--;
      if (flow + compact > deepest.depth) deepest = { depth: flow + compact, line: n + 1 };
    }
    if (compact > deepest.depth) deepest = { depth: compact, line: n + 1 };
    if (flow === 0 && quote === undefined && /(^|[\s:-])[|>][-+0-9]*\s*(#.*)?$/.test(line)) blockScalarIndent = indent;
  }
  return deepest;
}

/** Whether the character at `i` begins a value in block context: after indentation, `- `, `? ` or `: `. */
function startsValue(line: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && line[j] === " ") j--;
  return j < 0 || ((line[j] === "-" || line[j] === "?" || line[j] === ":") && j < i - 1);
}

/** Index of the quote that closes a `quote`d scalar opened at `i` (-1: opened on an earlier line); the line's length if it stays open. */
function closingQuote(line: string, i: number, quote: string): number {
  for (let j = i + 1; j < line.length; j++) {
    if (quote === '"' && line[j] === "\\") j++;
    else if (line[j] === quote) {
      if (quote === "'" && line[j + 1] === "'") j++;
      else return j;
    }
  }
  return line.length;
}

/** Offset of the first token nested deeper than `max` in the parse tree, walked without recursion. */
function deepestToken(tokens: readonly Yaml.CST.Token[], max: number): number | undefined {
  const stack: Array<[Yaml.CST.Token | undefined, number]> = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (!token) continue;
    if (token.type === "document") stack.push([token.value, depth]);
    else if (token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection") {
      if (depth + 1 > max) return token.offset;
      for (const item of token.items) {
        if ("key" in item) stack.push([item.key ?? undefined, depth + 1]);
        stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}
