import * as path from "path";
import type { Location, Log, ReportingDescriptor, Result } from "sarif";
import { pathToFileURL } from "url";
import { peerUrl } from "./peers";
import type { PolicyReport, ReportRow } from "./report";
import { RULES } from "./rules";
import { PolicyRule } from "./types";

/**
 * The policy report as SARIF 2.1.0, for GitHub code scanning: every rule with its help, and a result
 * for each check that fails or cannot be decided before Terraform runs, located at the resource in
 * the synthesized file and named by its construct path.
 *
 * Suppressed checks are left out of the results: code scanning opens an alert for a result even when
 * it carries a SARIF suppression, and an accepted exception is not an alert. They are listed, with
 * their reasons, in the run's properties instead.
 */

export const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
export const SARIF_TOOL_NAME = "aks-workload-identity-policy";

export interface SarifSource {
  /** The synthesized file's text, to find each resource's line. */
  readonly text: string;
  /** The file as a URI reference: relative to the repository root for code scanning (see `artifactUri`). */
  readonly uri: string;
}

export interface SarifOptions {
  /** help/policy.md as an absolute URL, when known (in GitHub Actions, from the run's repository and commit). */
  readonly docsUrl?: string;
  /** @default RULES */
  readonly rules?: readonly PolicyRule[];
}

/** `given` relative to `cwd` as a URI reference with `/` separators, or a file: URL when it lies outside `cwd`. */
export function artifactUri(given: string, cwd: string): string {
  const absolute = path.resolve(cwd, given);
  const relative = path.relative(cwd, absolute);
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return pathToFileURL(absolute).href;
  return relative.split(path.sep).map(encodeURIComponent).join("/");
}

/** The SARIF log of a report; the same report and source always give the same bytes. */
export function sarifLog(report: PolicyReport, source: SarifSource, options: SarifOptions = {}): Log {
  const rules = options.rules ?? RULES;
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const results: Result[] = report.rows
    .filter((row) => row.status === "failed" || row.status === "unknown")
    .map((row) => result(row, index.get(row.id), source));
  const suppressions = report.rows.filter((row) => row.status === "suppressed").map((row) => ({ ruleId: row.id, resource: row.path, reason: row.reason }));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: SARIF_TOOL_NAME, rules: rules.map((rule) => descriptor(rule, options.docsUrl)) } },
        columnKind: "utf16CodeUnits",
        results,
        properties: { suppressionsFrom: report.suppressionsFrom, suppressions },
      },
    ],
  };
}

function descriptor(rule: PolicyRule, docsUrl: string | undefined): ReportingDescriptor {
  const reads = `Reads ${rule.attribute} of ${rule.resourceTypes.join(" or ")}.`;
  const origin = rule.peer ? `${rule.source}'s ${rule.id}${rule.covers?.length ? ` (also ${rule.covers.join(", ")})` : ""}` : "this project's own rule";
  const docs = docsUrl ?? "help/policy.md";
  const peerLink = rule.peer ? ` Mirrors [${origin}](${peerUrl(rule.peer)}).` : "";
  return {
    id: rule.id,
    shortDescription: { text: rule.title },
    fullDescription: { text: `${rule.title}. ${reads}` },
    help: {
      text: `${rule.rationale}\nFix: ${rule.fix}.\n${reads} Mirrors ${origin}${rule.peer ? ` (${peerUrl(rule.peer)})` : ""}; differences and exceptions: ${docs}.`,
      markdown: `${rule.rationale}\n\n**Fix:** ${rule.fix}.\n\n${reads}${peerLink} Where it differs from its peer, and how to accept an exception: [help/policy.md](${docs}).`,
    },
    ...(rule.peer ? { helpUri: peerUrl(rule.peer) } : docsUrl ? { helpUri: docsUrl } : {}),
    defaultConfiguration: { level: rule.severity },
    properties: { tags: ["security", "terraform", "azure"], source: rule.source },
  };
}

function result(row: ReportRow, ruleIndex: number | undefined, source: SarifSource): Result {
  const failed = row.status === "failed";
  return {
    ruleId: row.id,
    ...(ruleIndex === undefined ? {} : { ruleIndex }),
    // SARIF allows a level other than none only on a failure; an undecided check is "open".
    kind: failed ? "fail" : "open",
    level: failed ? row.severity : "none",
    message: { text: failed ? `${row.title}: ${row.found}. Fix: ${row.fix}.` : `${row.title}: unknown until Terraform evaluates it (${row.found}).` },
    locations: [location(row, source)],
    properties: { constructPath: row.path, address: row.address },
  };
}

function location(row: ReportRow, source: SarifSource): Location {
  const dot = row.address.indexOf(".");
  const at = keyPosition(source.text, ["resource", row.address.slice(0, dot), row.address.slice(dot + 1)]) ?? { line: 1, column: 1 };
  const logical = [{ name: row.address, kind: "resource" }];
  // The construct path, where the file records one, is where the resource is made in code.
  if (row.path !== row.address) logical.push({ name: row.path, kind: "module" });
  return {
    physicalLocation: { artifactLocation: { uri: source.uri }, region: { startLine: at.line, startColumn: at.column } },
    logicalLocations: logical.map(({ name, kind }) => ({ name, fullyQualifiedName: name, kind })),
  };
}

/**
 * Where the key at `keys` starts in JSON `text`, 1-based, in UTF-16 code units; a list on the way
 * (Terraform JSON may write a block as a list of objects) is searched element by element. Undefined
 * when the key is absent or the text is not JSON.
 */
export function keyPosition(text: string, keys: readonly string[]): { line: number; column: number } | undefined {
  let offset: number | undefined;
  try {
    offset = new JsonScanner(text).find(keys, 0);
  } catch {
    return undefined;
  }
  if (offset === undefined) return undefined;
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: offset - lineStart + 1 };
}

const STRING = /"(?:[^"\\]|\\.)*"/suy;
const LITERAL = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

class JsonScanner {
  private at = 0;

  constructor(private readonly text: string) {}

  /** Offset of the key `keys[depth]`… within the value at the cursor; consumes that value when not found. */
  find(keys: readonly string[], depth: number): number | undefined {
    this.space();
    const c = this.text[this.at];
    if (c === "{") {
      this.at++;
      if (this.next() === "}") return void this.at++;
      for (;;) {
        this.space();
        const keyAt = this.at;
        const key = this.string();
        this.expect(":");
        if (key === keys[depth]) {
          if (depth === keys.length - 1) return keyAt;
          const found = this.find(keys, depth + 1);
          if (found !== undefined) return found;
        } else {
          this.skip();
        }
        if (this.next() === ",") this.at++;
        else return void this.expect("}");
      }
    }
    if (c === "[") {
      this.at++;
      if (this.next() === "]") return void this.at++;
      for (;;) {
        const found = this.find(keys, depth);
        if (found !== undefined) return found;
        if (this.next() === ",") this.at++;
        else return void this.expect("]");
      }
    }
    return void this.skip();
  }

  private skip(): void {
    this.space();
    const c = this.text[this.at];
    if (c === "{" || c === "[") {
      // A key no JSON object holds: finds nothing, consumes the value.
      this.find([], 0);
    } else if (c === '"') {
      this.string();
    } else {
      this.at += this.match(LITERAL, "a JSON value").length;
    }
  }

  private string(): string {
    this.space();
    return JSON.parse(this.match(STRING, "a string")) as string;
  }

  /** The token `pattern` (sticky) matches at the cursor, consumed; sticky so a large file is never copied. */
  private match(pattern: RegExp, what: string): string {
    pattern.lastIndex = this.at;
    const token = pattern.exec(this.text)?.[0];
    if (token === undefined) throw new Error(`expected ${what} at ${this.at}`);
    this.at += token.length;
    return token;
  }

  private next(): string | undefined {
    this.space();
    return this.text[this.at];
  }

  private expect(char: string): void {
    if (this.next() !== char) throw new Error(`expected ${char} at ${this.at}`);
    this.at++;
  }

  private space(): void {
    while (this.at < this.text.length && " \t\n\r".includes(this.text[this.at])) this.at++;
  }
}
